import { spawn } from 'node:child_process';

export type CommandResult = { readonly result: 'ok' } | { readonly result: 'failed'; readonly detail: string } | { readonly result: 'timeout' };

/** Grace between SIGTERM and SIGKILL for a command that overran its timeout. */
const KILL_GRACE_MS = 2_000;

/**
 * Run `argv` (no shell) with `env`, its output going to ours; a command that overruns `timeoutMs`
 * gets SIGTERM, then SIGKILL. Never throws: the caller logs the result and carries on.
 */
export function runCommand(argv: readonly string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<CommandResult> {
  return new Promise((done) => {
    const [program, ...args] = argv as [string, ...string[]];
    let timedOut = false;
    const child = spawn(program, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
    const kill = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS).unref();
    }, timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(kill);
      done({ result: 'failed', detail: `cannot start \`${program}\` (${error.code ?? error.name})` });
    });
    child.on('exit', (code, signal) => {
      clearTimeout(kill);
      if (timedOut) done({ result: 'timeout' });
      else if (code === 0) done({ result: 'ok' });
      else done({ result: 'failed', detail: signal ? `killed by ${signal}` : `exit code ${code}` });
    });
  });
}
