import type { Command } from 'commander';
import { notifyChange } from '../notify/notify';
import { firstRender, watchLoop } from '../runner/watch-loop';
import type { World } from './context';
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
      { path: config.settings.local.value ? undefined : config.settings.path, parameters: first.data.entries.size, written: first.written.length, unchanged: first.unchanged.length, intervalMs: config.watch.intervalMs },
      'first render complete, watching',
    );
    await watchLoop(deps, (written) => notifyChange(config.onChange, written, log, deps.metrics), Infinity, loop.afterCycle);
    log.info('stopped');
  } finally {
    process.off('SIGHUP', wake);
    await loop.close();
  }
}

export function registerWatch(program: Command, world: World, run: (task: () => Promise<void>) => Promise<void>): void {
  program
    .command('watch')
    .description('render, then re-render every watch.interval (SIGHUP: now), notify the app on change; SIGTERM stops, exit 0')
    .option('--wait <duration>', 'at start, retry an unreachable Parameter Store or missing credentials for this long', '60s')
    .option('--interval <duration>', 'override watch.interval (default 5m)')
    .option('--listen <host:port>', 'serve /healthz, /readyz and /metrics here (off by default)')
    .option('--ready-file <path>', 'create this file after the first good render; removed when stale and on exit')
    .action((_opts: unknown, command: Command) => run(() => watchCommand(world, command.optsWithGlobals<LoopOptions>())));
}
