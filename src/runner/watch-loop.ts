import type { WatchConfig } from '../config/config';
import type { DataSet } from '../data/dataset';
import { isSsmRenderError, ServiceError } from '../errors';
import type { Logger } from '../log';
import { delayAfterFailure, firstDelay, intervalDelay, retriedAtStartUp, startUpDelay } from '../retry/policy';
import type { Clock } from '../clock';
import { CALL_SPACING } from '../config/duration';
import { deadline } from './deadline';
import type { LoopMetrics } from '../metrics';
import { CheckFailedError } from '../output/check/check-error';
import type { RefreshOptions, RefreshResult } from './refresher';
import type { RefreshRequests, RequestedOutcome } from './refresh-requests';
import type { RenderOutcome } from './render-once';
import type { CallStats } from './stats';
import type { Wake } from './wake';
import type { WatchState } from './watch-state';

export interface LoopDeps {
  readonly refresher: { refresh(signal?: AbortSignal, options?: RefreshOptions): Promise<RefreshResult> };
  readonly watch: WatchConfig;
  readonly clock: Clock;
  /** Aborted by SIGTERM/SIGINT: every wait and every request ends. */
  readonly stop: AbortSignal;
  readonly wake: Wake;
  /** Refreshes asked for over HTTP (`POST /refresh`); absent when nothing can ask. */
  readonly requests?: RefreshRequests | undefined;
  readonly state: WatchState;
  readonly log: Logger;
  readonly metrics: LoopMetrics;
  readonly stats?: CallStats | undefined;
  readonly random?: (() => number) | undefined;
}

/** Called once per refresh that changed files, after every file is committed, with the data rendered. */
export type OnChange = (written: readonly string[], data: DataSet) => Promise<void>;

function errorFields(error: unknown): { code: string; hint?: string | undefined; message: string; retryable: boolean } {
  if (isSsmRenderError(error)) return { code: error.code, hint: error.hint, message: error.message, retryable: error.retryable };
  // Not ours: its message could hold anything, so only its kind is reported.
  return { code: 'INTERNAL', message: `unexpected ${(error as Error)?.name ?? 'error'}`, retryable: false };
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
  deps.state.checkFailure = undefined;
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
 * IAM role not yet bound): what the retry policy retries at start-up is tried again with backoff for
 * up to `waitMs`, a bound that also cuts short the call in flight; then the last error is thrown.
 * Config, render and write errors are thrown at once, as is any error with `waitMs` 0. Undefined
 * when stopped.
 */
export async function firstRender(deps: LoopDeps, waitMs: number): Promise<RenderOutcome | undefined> {
  // With no time to wait, the one attempt runs to its own end (as a one-shot render does).
  const wait = waitMs > 0 ? deadline(deps.clock, deps.stop, waitMs, '--wait') : undefined;
  const signal = wait?.signal ?? deps.stop;
  let last: unknown;
  try {
    for (let attempt = 1; ; attempt++) {
      deps.state.lastTick = deps.state.lastAttemptAt = deps.clock.now();
      const started = performance.now();
      try {
        const result = await deps.refresher.refresh(signal);
        if (result.kind !== 'rendered') throw new Error('the first refresh must render');
        recordSuccess(deps, result.outcome);
        deps.metrics.refresh(result.outcome.written.length > 0 ? 'changed' : 'unchanged', performance.now() - started);
        return result.outcome;
      } catch (error) {
        if (deps.stop.aborted) return undefined;
        if (wait?.expired()) throw giveUp(deps, error, last, waitMs);
        if (wait === undefined || !retriedAtStartUp(error)) throw error;
        last = error;
        const { code, hint, message } = errorFields(error);
        deps.metrics.failure(code);
        const retryInMs = startUpDelay(deps.watch, attempt, deps.random);
        deps.log.warn({ code, hint, attempt, retryInMs }, `Parameter Store not usable yet, retrying: ${message}`);
        await deps.clock.sleep(retryInMs, signal);
        if (deps.stop.aborted) return undefined;
        if (wait.expired()) throw giveUp(deps, undefined, last, waitMs);
      }
    }
  } finally {
    wait?.close();
  }
}

/** `--wait` ran out: say so, and throw the last error Parameter Store gave, or what cut the render short. */
function giveUp(deps: LoopDeps, error: unknown, last: unknown, waitMs: number): unknown {
  deps.log.warn({ waitMs }, `Parameter Store not usable within --wait (${waitMs / 1000}s), giving up`);
  if (isSsmRenderError(error)) return error;
  if (isSsmRenderError(last)) return last;
  return new ServiceError(`The first render did not finish within --wait (${waitMs / 1000}s)`, {
    hint: 'check that Parameter Store answers (the network, AWS_ENDPOINT_URL / --endpoint-url, the region), or raise --wait',
  });
}

/**
 * One refresh. A failure never touches the files: it is logged without values, counted, and retried
 * (soon when it may pass by itself, else at the next interval: `delayAfterFailure`).
 * Returns how long to wait before the next one; `report` hears how it ended, once `onChange` has run.
 */
export async function refreshCycle(
  deps: LoopDeps,
  onChange: OnChange,
  reason: 'timer' | 'signal' | 'request',
  report: (outcome: RequestedOutcome) => void = () => undefined,
): Promise<number> {
  const { state, log, metrics } = deps;
  const startedAt = deps.clock.now();
  state.lastTick = state.lastAttemptAt = startedAt;
  // After a good refresh the interval runs from start to start, so a slow refresh (throttling
  // retried by the SDK) does not push the next one past interval + jitter. Backoff runs from the failure.
  const fromStart = () => Math.max(0, intervalDelay(deps.watch, deps.random) - (deps.clock.now() - startedAt));
  const started = performance.now();
  const calls = deps.stats?.total() ?? 0;
  const decryptions = deps.stats?.decryptions ?? 0;
  try {
    // Whoever POSTs /refresh has usually just written a parameter, maybe a new one: list the path.
    const result = await deps.refresher.refresh(deps.stop, { discover: reason === 'request' });
    const durationMs = Math.round(performance.now() - started);
    if (result.kind === 'unchanged') {
      recordSuccessTimes(deps);
      metrics.refresh('unchanged', durationMs);
      log.debug({ reason, ...delta(deps.stats, calls, decryptions), durationMs }, 'refresh: nothing changed');
      report({ status: 'unchanged' });
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
    report(outcome.written.length > 0 ? { status: 'changed', files: outcome.written } : { status: 'unchanged' });
    return fromStart();
  } catch (error) {
    if (deps.stop.aborted) return 0;
    state.consecutiveFailures += 1;
    const { code, hint, message, retryable } = errorFields(error);
    state.lastErrorCode = code;
    metrics.failure(code);
    if (error instanceof CheckFailedError) {
      state.checkFailure = error.summary;
      metrics.checkFailure(error.destination);
    }
    metrics.refresh('failed', performance.now() - started);
    const retryInMs = delayAfterFailure(deps.watch, error, state.consecutiveFailures, deps.random);
    log.warn({ reason, code, hint, failures: state.consecutiveFailures, retryInMs }, `refresh failed, keeping the last good files: ${message}`);
    report({ status: 'failed', code, hint, retryable });
    return retryInMs;
  } finally {
    state.lastTick = deps.clock.now();
  }
}

/**
 * Anyone who can reach the health port may ask for refreshes back to back; each costs the account's
 * shared Parameter Store rate. So one asked for over HTTP starts no sooner than this after the
 * previous one started: the floor `watch.interval` has too.
 */
export const REQUEST_SPACING_MS = CALL_SPACING.minMs;

/**
 * Refresh every interval (with jitter; the first at a random point of the first interval), sooner
 * when woken (SIGHUP, `POST /refresh`), backing off after failures, until stopped. `maxCycles`
 * bounds a test run.
 */
export async function watchLoop(deps: LoopDeps, onChange: OnChange, maxCycles = Infinity, afterCycle?: () => Promise<void>): Promise<void> {
  let delay = firstDelay(deps.watch, deps.random);
  for (let cycle = 0; cycle < maxCycles && !deps.stop.aborted; cycle++) {
    const woken = await deps.wake.sleep(delay, deps.clock, deps.stop);
    if (woken && deps.requests?.waiting && deps.state.lastAttemptAt !== undefined) {
      const since = deps.clock.now() - deps.state.lastAttemptAt;
      if (since < REQUEST_SPACING_MS) await deps.clock.sleep(REQUEST_SPACING_MS - since, deps.stop);
    }
    if (deps.stop.aborted) break;
    const report = deps.requests?.claim();
    if (report) deps.log.info({ via: 'POST /refresh' }, 'render requested');
    delay = await refreshCycle(deps, onChange, report ? 'request' : woken ? 'signal' : 'timer', report);
    await afterCycle?.();
  }
}
