import { resolve } from 'node:path';
import type { Config } from '../config/config';
import { ANY_DURATION, CALL_SPACING, durationFlag } from '../config/duration';
import { ConfigError } from '../errors';
import type { Logger } from '../log';
import { noMetrics } from '../metrics';
import { abandonInFlightTemps } from '../output/commit';
import { ReadyFile } from '../output/ready-file';
import { realClock } from '../clock';
import { RefreshRequests } from '../runner/refresh-requests';
import { Refresher } from '../runner/refresher';
import { Wake } from '../runner/wake';
import type { LoopDeps } from '../runner/watch-loop';
import { WatchState } from '../runner/watch-state';
import { startHealthServer, type HealthServer } from '../server/health-server';
import { readRefreshToken } from '../server/refresh-token-file';
import { openStore } from './open-store';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { STOP_SIGNALS } from './stop-signals';

export interface LoopOptions extends CommonOptions {
  readonly wait?: string;
  readonly interval?: string;
  readonly listen?: string;
  readonly readyFile?: string;
  readonly refreshTokenFile?: string;
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
const STOP_DEADLINE_MS = 900;

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

/** The token `POST /refresh` requires, from `--refresh-token-file` (relative to the working directory). */
function refreshToken(world: World, options: LoopOptions): string | undefined {
  if (options.refreshTokenFile === undefined) return undefined;
  if (options.listen === undefined) {
    throw new ConfigError('`--refresh-token-file` is for POST /refresh on the health server, which only `--listen HOST:PORT` starts', {
      hint: 'add --listen 127.0.0.1:9090 (or another address), or drop --refresh-token-file',
    });
  }
  return readRefreshToken(resolve(world.cwd, options.refreshTokenFile), '--refresh-token-file');
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
  const token = refreshToken(world, options);
  // The token is as secret as a value: should it ever reach a log line, it is scrubbed.
  if (token !== undefined) redactor.add([{ value: token, secure: true }]);
  const prom = options.listen !== undefined ? await (await import('../server/prom-metrics')).createPromMetrics() : undefined;
  const metrics = prom?.metrics ?? noMetrics;
  const clock = realClock;
  const state = new WatchState(clock.now(), config.watch.maxStaleMs);
  const recordServed = (source: string, site: 'primary' | 'fallback', region: string) => state.sourceSites.set(source, { site, region });
  const opened = await openStore(config, { metrics, longRunning: true, log, recordServed });
  const stop = new AbortController();
  const wake = new Wake();
  const requests = options.listen !== undefined ? new RefreshRequests(wake) : undefined;
  const refresher = new Refresher({ config, source: opened.source, sources: opened.sources, log, redactor });
  const share =
    config.watch.share &&
    (await import('../share/open-share')).openShare({
      config: config.watch.share,
      path: config.settings.path,
      intervalMs: config.watch.intervalMs,
      work: { check: (signal) => refresher.refresh(signal), versions: () => refresher.versions(), follow: (v, signal) => refresher.refreshTo(v, signal) },
      env: world.env,
      clock,
      log,
      wake: () => wake.trigger(),
      onStatus: (status) => {
        state.share = { mode: status.mode, reason: status.reason, detail: status.detail };
        metrics.shareMode(status.mode, status.reason);
      },
    });
  const deps: LoopDeps = {
    refresher: share ? { refresh: share.refresh } : refresher,
    watch: config.watch,
    clock,
    stop: stop.signal,
    wake,
    requests,
    state,
    log,
    metrics,
    stats: opened.stats,
  };
  let server: HealthServer | undefined;
  if (prom && options.listen !== undefined) {
    // Alive while the loop ticks: the longest legitimate gap is one jittered interval plus a slow refresh.
    const aliveDeadlineMs = config.watch.intervalMs * (1 + config.watch.jitter) + Math.max(waitMs, 10 * config.requestTimeoutMs) + 60_000;
    server = await startHealthServer(options.listen, {
      state,
      clock,
      aliveDeadlineMs,
      maxStaleMs: config.watch.maxStaleMs,
      metrics: prom,
      refresh: requests && { requests, token },
    });
    log.info({ address: server.address, endpoints: server.endpoints, refresh: server.refresh }, 'health endpoints listening');
    // Not a warning: most ports reachable from elsewhere are there for probes, and want no /refresh.
    if (server.refresh === 'locked') {
      log.info(
        { address: server.address, hint: 'give --refresh-token-file FILE to allow it with a token, or listen on 127.0.0.1' },
        'POST /refresh answers 403: this port is reachable from other machines and no token was given',
      );
    }
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
      // Requests still waiting hear `stopped` before their connections close.
      requests?.close();
      await new Promise((done) => setImmediate(done));
      await readyFile?.remove();
      await server?.close();
      // Last: a leader gives its Lease up here, so another takes over without waiting out the lease.
      await share?.stop();
      opened.close();
    },
  };
}
