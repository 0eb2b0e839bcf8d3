import { ConfigError } from '../errors';
import { runExec } from '../runner/exec';
import type { World } from './context';
import { openLoop, type LoopOptions } from './loop';



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
