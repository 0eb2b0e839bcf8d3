import { ConfigError } from '../errors';
import { runExec } from '../runner/exec';
import type { World } from './session';
import { openLoop, type LoopOptions } from './loop';
import { STOP_SIGNALS } from './stop-signals';

/** What the child gets from us: the stop signals (SIGALRM among them) and the app's own. */
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGQUIT', 'SIGALRM'];

function onSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  for (const signal of FORWARDED) process.on(signal, handler);
  return () => FORWARDED.forEach((signal) => process.off(signal, handler));
}

/** `ssm-render exec -- CMD ARGS...`: render, run CMD, keep it fed; exit with its code. */
export async function execCommand(world: World, argv: readonly string[], options: LoopOptions, withEnv: boolean): Promise<number> {
  if (argv.length === 0) throw new ConfigError('exec needs a command: ssm-render exec [--env] -- CMD ARGS...');
  const loop = await openLoop(world, options);
  // Until the child runs, a stop signal ends the render (exit 0) and SIGHUP is moot (a render is
  // under way); after, runExec forwards them.
  const early = (signal: NodeJS.Signals) => {
    if (signal === 'SIGHUP' || loop.stop.signal.aborted) return;
    loop.log.info({ signal }, 'stopping before the child started');
    loop.stop.abort();
  };
  const earlySignals = [...STOP_SIGNALS, 'SIGHUP'] as const;
  const dropEarly = () => earlySignals.forEach((signal) => process.off(signal, early));
  earlySignals.forEach((signal) => process.on(signal, early));
  try {
    return await runExec(loop.deps, {
      argv,
      withEnv,
      exec: loop.config.exec,
      onChange: loop.config.onChange,
      waitMs: loop.waitMs,
      stop: loop.stop,
      onSignal: (handler) => {
        const unsubscribe = onSignal(handler);
        dropEarly();
        return unsubscribe;
      },
      afterCycle: loop.afterCycle,
    });
  } finally {
    dropEarly();
    await loop.close();
  }
}
