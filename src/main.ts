import { CommanderError } from 'commander';
import { normalizeExecArgs } from './cli/exec-args';
import { buildProgram } from './cli/program';
import { sessionOf, type World } from './cli/world';
import { isSsmRenderError } from './errors';

/** Report an error as one JSON log line (message, code, hint; never a value) and return its exit code. */
async function report(world: World, error: unknown): Promise<number> {
  let log = sessionOf(world)?.log;
  if (!log) {
    // A failure before any command opened its logger (a bad flag value, say): load it now.
    const { createLogger, Redactor } = await import('./log');
    log = await createLogger({ level: 'error', format: 'json', redactor: new Redactor(), write: world.stderr });
  }
  if (isSsmRenderError(error)) {
    log.error({ code: error.code, hint: error.hint, exitCode: error.exitCode }, error.message);
    return error.exitCode;
  }
  // An unexpected error: its message could hold anything, so only its kind is reported.
  log.error(
    { code: 'INTERNAL', kind: (error as Error)?.name, stack: (error as Error)?.stack?.split('\n').slice(1, 6).join('\n') },
    'unexpected internal error; please report it',
  );
  return 1;
}

/** Run the CLI in a world; resolves to the process exit code. */
export async function main(world: World): Promise<number> {
  let failure: unknown;
  let status = 0;
  // A command may return an exit status of its own (exec: the child's).
  const run = async (task: () => Promise<number | void>) => {
    try {
      status = (await task()) ?? 0;
    } catch (error) {
      failure = error;
    }
  };
  try {
    await buildProgram(world, run).parseAsync(normalizeExecArgs(world.argv), { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
    }
    failure = error;
  }
  return failure === undefined ? status : report(world, failure);
}
