import type { Config } from '../config/config';
import { ANY_DURATION, CALL_SPACING, durationFlag } from '../config/duration';
import { ConfigError } from '../errors';
import type { Logger } from '../log';
import { noMetrics } from '../metrics';
import { abandonInFlightTemps } from '../output/commit';
import { ReadyFile } from '../output/ready-file';
import { realClock } from '../clock';
import { Refresher } from '../runner/refresher';
import { Wake } from '../runner/wake';
import type { LoopDeps } from '../runner/watch-loop';
import { WatchState } from '../runner/watch-state';
import { startHealthServer, type HealthServer } from '../server/health-server';
import { openStore } from './open-store';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { STOP_SIGNALS } from './stop-signals';

export interface LoopOptions extends CommonOptions {
  readonly wait?: string;
  readonly interval?: string;
  readonly listen?: string;
  readonly readyFile?: string;
}

export interface OpenLoop {
  readonly deps: LoopDeps;
  readonly config: Config;
  readonly log: Logger;
  readonly waitMs: number;
  readonly stop: AbortController;
  /** After each cycle: the ready file follows readiness. */
  afterCycle(): Promise<void>;
  close(): Promise<void>;
}

/** How long a stop may take before the process exits anyway (removing any temp file it was writing). */
export const STOP_DEADLINE_MS = 900;

/** Each stop signal (SIGTERM, SIGINT, ...) stops the loop; a stop that takes too long ends the process anyway, exit 0. */
export function stopOnSignals(stop: AbortController, log: Logger, signals: readonly NodeJS.Signals[] = STOP_SIGNALS): void {
  const handler = (signal: NodeJS.Signals) => {
    if (stop.signal.aborted) return;
    log.info({ signal }, 'stopping');
    stop.abort();
    setTimeout(() => {
      abandonInFlightTemps();
      process.exit(0);
    }, STOP_DEADLINE_MS).unref();
  };
  for (const signal of signals) process.on(signal, handler);
}

/** Everything `watch` and `exec` share: config, source, refresher, state, health server, ready file. */
export async function openLoop(world: World, options: LoopOptions): Promise<OpenLoop> {
  const { log, redactor } = await openSession(world, options);
  const loaded = readConfig(world, options);
  if (loaded.templates.length === 0) {
    throw new ConfigError('Nothing to render: no `templates:` in the config file', { hint: 'add a `templates:` list to ssm-render.yaml' });
  }
  const config: Config = {
    ...loaded,
    watch: { ...loaded.watch, intervalMs: durationFlag('--interval', options.interval, loaded.watch.intervalMs, CALL_SPACING) },
  };
  const waitMs = durationFlag('--wait', options.wait, 60_000, ANY_DURATION);
  const prom = options.listen !== undefined ? await (await import('../server/prom-metrics')).createPromMetrics() : undefined;
  const metrics = prom?.metrics ?? noMetrics;
  const clock = realClock;
  const state = new WatchState(clock.now(), config.watch.maxStaleMs);
  const recordServed = (source: string, site: 'primary' | 'fallback', region: string) => state.sourceSites.set(source, { site, region });
  const opened = await openStore(config, { metrics, longRunning: true, log, recordServed });
  const stop = new AbortController();
  const deps: LoopDeps = {
    refresher: new Refresher({ config, source: opened.source, sources: opened.sources, log, redactor }),
    watch: config.watch,
    clock,
    stop: stop.signal,
    wake: new Wake(),
    state,
    log,
    metrics,
    stats: opened.stats,
  };
  let server: HealthServer | undefined;
  if (prom && options.listen !== undefined) {
    // Alive while the loop ticks: the longest legitimate gap is one jittered interval plus a slow refresh.
    const aliveDeadlineMs = config.watch.intervalMs * (1 + config.watch.jitter) + Math.max(waitMs, 10 * config.requestTimeoutMs) + 60_000;
    server = await startHealthServer(options.listen, { state, clock, aliveDeadlineMs, maxStaleMs: config.watch.maxStaleMs, metrics: prom });
    log.info({ address: server.address, endpoints: ['/healthz', '/readyz', '/metrics'] }, 'health endpoints listening');
  }
  const readyFile = options.readyFile !== undefined ? new ReadyFile(options.readyFile) : undefined;
  return {
    deps,
    config,
    log,
    waitMs,
    stop,
    afterCycle: async () => {
      await readyFile?.sync(state.ready(clock.now())).catch((error: unknown) => {
        log.warn({ code: (error as { code?: string }).code }, `cannot update the ready file ${options.readyFile}`);
      });
    },
    close: async () => {
      state.running = false;
      await readyFile?.remove();
      await server?.close();
      opened.close();
    },
  };
}
