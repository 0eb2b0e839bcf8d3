import { notifyChange } from '../notify/notify';
import { firstRender, watchLoop } from '../runner/watch-loop';
import type { World } from './session';
import { openLoop, stopOnSignals, type LoopOptions } from './loop';

/** `ssm-render watch`: render, then keep the files fresh until SIGTERM; SIGHUP renders now. */
export async function watchCommand(world: World, options: LoopOptions): Promise<void> {
  const loop = await openLoop(world, options);
  const { deps, config, log } = loop;
  stopOnSignals(loop.stop, log);
  const wake = () => {
    log.info({ signal: 'SIGHUP' }, 'render requested');
    deps.wake.trigger();
  };
  process.on('SIGHUP', wake);
  try {
    const first = await firstRender(deps, loop.waitMs);
    if (first === undefined) return;
    await loop.afterCycle();
    log.info(
      {
        path: config.settings.local.value ? undefined : config.settings.path,
        parameters: first.data.entries.size,
        written: first.written.length,
        unchanged: first.unchanged.length,
        intervalMs: config.watch.intervalMs,
      },
      'first render complete, watching',
    );
    await watchLoop(deps, (written) => notifyChange(config.onChange, written, log, deps.metrics), Infinity, loop.afterCycle);
    log.info('stopped');
  } finally {
    process.off('SIGHUP', wake);
    await loop.close();
  }
}
