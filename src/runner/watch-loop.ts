import type { WatchConfig } from '../config/config';
import type { DataSet } from '../data/dataset';
import { isSsmRenderError } from '../errors';
import type { Logger } from '../log';
import type { Clock } from '../clock';
import type { LoopMetrics } from '../metrics';
import type { RefreshResult } from './refresher';
import type { RenderOutcome } from './render-once';
import { firstDelay, nextDelay } from './schedule';
import type { CallStats } from './stats';
import type { Wake } from './wake';
import type { WatchState } from './watch-state';

export interface LoopDeps {
  readonly refresher: { refresh(signal?: AbortSignal): Promise<RefreshResult> };
  readonly watch: WatchConfig;
  readonly clock: Clock;
  /** Aborted by SIGTERM/SIGINT: every wait and every request ends. */
  readonly stop: AbortSignal;
  readonly wake: Wake;
  readonly state: WatchState;
  readonly log: Logger;
  readonly metrics: LoopMetrics;
  readonly stats?: CallStats | undefined;
  readonly random?: (() => number) | undefined;
}

/** Called once per refresh that changed files, after every file is committed, with the data rendered. */
export type OnChange = (written: readonly string[], data: DataSet) => Promise<void>;

function errorFields(error: unknown): { code: string; hint?: string | undefined; message: string } {
  if (isSsmRenderError(error)) return { code: error.code, hint: error.hint, message: error.message };
  // Not ours: its message could hold anything, so only its kind is reported.
  return { code: 'INTERNAL', message: `unexpected ${(error as Error)?.name ?? 'error'}` };
}

/** Calls and decryptions made since `before`, for one cycle's log line. */
function delta(stats: CallStats | undefined, before: number, decryptedBefore: number) {
  return stats ? { calls: stats.total() - before, decryptions: stats.decryptions - decryptedBefore } : {};
}

function recordSuccessTimes(deps: LoopDeps): void {
  const now = deps.clock.now();
  deps.state.firstSuccessAt ??= now;
  deps.state.lastSuccessAt = now;
  deps.state.consecutiveFailures = 0;
  deps.state.lastErrorCode = undefined;
  deps.metrics.lastSuccess(Date.now());
}

function recordSuccess(deps: LoopDeps, outcome: RenderOutcome): void {
  recordSuccessTimes(deps);
  deps.state.parameters = outcome.data.entries.size;
  deps.metrics.parameters(outcome.data.entries.size);
  deps.metrics.files(outcome.written.length, outcome.unchanged.length);
}

/**
 * The first render. Parameter Store or credentials may not be reachable yet (LocalStack booting, an
 * IAM role not yet bound): AWS errors (exit 3) are retried with backoff for up to `waitMs`, then the
 * last one is thrown. Config, render and write errors are thrown at once. Undefined when stopped.
 */
export async function firstRender(deps: LoopDeps, waitMs: number): Promise<RenderOutcome | undefined> {
  const deadline = deps.clock.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    deps.state.lastTick = deps.state.lastAttemptAt = deps.clock.now();
    const started = performance.now();
    try {
      const result = await deps.refresher.refresh(deps.stop);
      if (result.kind !== 'rendered') throw new Error('the first refresh must render');
      recordSuccess(deps, result.outcome);
      deps.metrics.refresh(result.outcome.written.length > 0 ? 'changed' : 'unchanged', performance.now() - started);
      return result.outcome;
    } catch (error) {
      if (deps.stop.aborted) return undefined;
      const remaining = deadline - deps.clock.now();
      if (!isSsmRenderError(error) || error.exitCode !== 3 || remaining <= 0) throw error;
      const { code, hint, message } = errorFields(error);
      deps.metrics.failure(code);
      const retryInMs = Math.min(remaining, Math.min(30_000, deps.watch.backoffMs) * 2 ** Math.min(attempt - 1, 10));
      deps.log.warn({ code, hint, attempt, retryInMs }, `Parameter Store not usable yet, retrying: ${message}`);
      await deps.clock.sleep(retryInMs, deps.stop);
      if (deps.stop.aborted) return undefined;
    }
  }
}

/**
 * One refresh. A failure never touches the files: it is logged without values, counted, and retried.
 * Returns how long to wait before the next one.
 */
export async function refreshCycle(deps: LoopDeps, onChange: OnChange, reason: 'timer' | 'signal'): Promise<number> {
  const { state, log, metrics } = deps;
  const startedAt = deps.clock.now();
  state.lastTick = state.lastAttemptAt = startedAt;
  // After a good refresh the interval runs from start to start, so a slow refresh (throttling
  // retried by the SDK) does not push the next one past interval + jitter. Backoff runs from the failure.
  const fromStart = () => Math.max(0, nextDelay(deps.watch, 0, deps.random) - (deps.clock.now() - startedAt));
  const started = performance.now();
  const calls = deps.stats?.total() ?? 0;
  const decryptions = deps.stats?.decryptions ?? 0;
  try {
    const result = await deps.refresher.refresh(deps.stop);
    const durationMs = Math.round(performance.now() - started);
    if (result.kind === 'unchanged') {
      recordSuccessTimes(deps);
      metrics.refresh('unchanged', durationMs);
      log.debug({ reason, ...delta(deps.stats, calls, decryptions), durationMs }, 'refresh: nothing changed');
      return fromStart();
    }
    const { outcome } = result;
    recordSuccess(deps, outcome);
    metrics.refresh(outcome.written.length > 0 ? 'changed' : 'unchanged', durationMs);
    log.info(
      {
        reason,
        parameters: outcome.data.entries.size,
        written: outcome.written.length,
        unchanged: outcome.unchanged.length,
        ...delta(deps.stats, calls, decryptions),
        durationMs,
      },
      outcome.written.length > 0 ? 'refresh: files changed' : 'refresh: rendered, no file changed',
    );
    if (outcome.written.length > 0) await onChange(outcome.written, outcome.data);
    return fromStart();
  } catch (error) {
    if (deps.stop.aborted) return 0;
    state.consecutiveFailures += 1;
    const { code, hint, message } = errorFields(error);
    state.lastErrorCode = code;
    metrics.failure(code);
    metrics.refresh('failed', performance.now() - started);
    const retryInMs = nextDelay(deps.watch, state.consecutiveFailures, deps.random);
    log.warn({ code, hint, failures: state.consecutiveFailures, retryInMs }, `refresh failed, keeping the last good files: ${message}`);
    return retryInMs;
  } finally {
    state.lastTick = deps.clock.now();
  }
}

/**
 * Refresh every interval (with jitter; the first at a random point of the first interval), sooner
 * when woken (SIGHUP), backing off after failures, until stopped. `maxCycles` bounds a test run.
 */
export async function watchLoop(deps: LoopDeps, onChange: OnChange, maxCycles = Infinity, afterCycle?: () => Promise<void>): Promise<void> {
  let delay = firstDelay(deps.watch, deps.random);
  for (let cycle = 0; cycle < maxCycles && !deps.stop.aborted; cycle++) {
    const woken = await deps.wake.sleep(delay, deps.clock, deps.stop);
    if (deps.stop.aborted) break;
    delay = await refreshCycle(deps, onChange, woken ? 'signal' : 'timer');
    await afterCycle?.();
  }
}
