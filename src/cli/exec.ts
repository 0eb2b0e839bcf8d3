import type { Command } from 'commander';
import { ConfigError } from '../errors';
import { runExec } from '../runner/exec';
import type { World } from './context';
import { openLoop, type LoopOptions } from './loop';

interface ExecFlags {
  readonly withEnv?: boolean;
}

/**
 * `exec --env` (no value: parameters in the child's environment) and the global `--env NAME` share a
 * name. Within exec's options, a `--env` followed by `--` or by another option is the flag; it is
 * rewritten to `--with-env` before parsing. `--env NAME` keeps choosing the environment.
 */
export function normalizeExecArgs(argv: readonly string[]): string[] {
  const end = argv.indexOf('--') === -1 ? argv.length : argv.indexOf('--');
  const at = argv.indexOf('exec');
  if (at === -1 || at > end) return [...argv];
  return argv.map((token, i) => {
    const next = argv[i + 1];
    return i > at && i < end && token === '--env' && (next === undefined || next.startsWith('-')) ? '--with-env' : token;
  });
}

const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT'];

function onSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of FORWARDED) process.on(signal, handler);
  return () => FORWARDED.forEach((signal) => process.off(signal, handler));
}

/** `ssm-render exec -- CMD ARGS...`: render, run CMD, keep it fed; exit with its code. */
export async function execCommand(world: World, argv: readonly string[], options: LoopOptions, withEnv: boolean): Promise<number> {
  if (argv.length === 0) throw new ConfigError('exec needs a command: ssm-render exec [--env] -- CMD ARGS...');
  const loop = await openLoop(world, options);
  // Until the child runs, a stop signal ends the render; after, runExec forwards it.
  const early = (signal: NodeJS.Signals) => {
    loop.log.info({ signal }, 'stopping before the child started');
    loop.stop.abort();
  };
  process.on('SIGTERM', early).on('SIGINT', early);
  try {
    return await runExec(loop.deps, {
      argv,
      withEnv,
      exec: loop.config.exec,
      onChange: loop.config.onChange,
      waitMs: loop.waitMs,
      stop: loop.stop,
      onSignal: (handler) => {
        process.off('SIGTERM', early).off('SIGINT', early);
        return onSignal(handler);
      },
      afterCycle: loop.afterCycle,
    });
  } finally {
    process.off('SIGTERM', early).off('SIGINT', early);
    await loop.close();
  }
}

export function registerExec(program: Command, world: World, run: (task: () => Promise<number | void>) => Promise<void>): void {
  program
    .command('exec')
    .description('render, run CMD as a child, keep the files fresh, reload or restart it on change; exit with its code')
    .usage('[--env] [options] -- CMD [ARGS...]')
    .argument('<command...>', 'the program to run and its arguments (after --)')
    .option('--with-env', 'also put every parameter in the child\'s environment (MYSQL_PASSWORD, ...); `--env` right before `--` means the same')
    .option('--wait <duration>', 'at start, retry an unreachable Parameter Store or missing credentials for this long', '60s')
    .option('--interval <duration>', 'override watch.interval (default 5m)')
    .option('--listen <host:port>', 'serve /healthz, /readyz and /metrics here (off by default)')
    .option('--ready-file <path>', 'create this file after the first good render; removed when stale and on exit')
    .action((args: string[], _opts: unknown, command: Command) => {
      const { withEnv, ...options } = command.optsWithGlobals<ExecFlags & LoopOptions>();
      return run(() => execCommand(world, args, options, withEnv === true));
    });
}
