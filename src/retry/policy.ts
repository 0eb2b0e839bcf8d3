import { DEFAULT_MAX_ATTEMPTS, isThrottlingError } from '@smithy/core/retry';
import { isSsmRenderError, ServiceError } from '../errors';

// The retry policy, whole: how many attempts one Parameter Store call gets (and, in sdk-strategy.ts,
// that each call starts with a full retry budget), how long the watch loop waits between refreshes and
// after failures, and which errors are retried how. A leaf (it imports only errors.ts and the SDK), so
// that source/ and runner/ both call it without importing each other.

/** The loop's timing, as `watch:` configures it (`WatchConfig` has these fields). */
export interface LoopTiming {
  readonly intervalMs: number;
  /** Each wait is the interval times a random factor in [1 - jitter, 1 + jitter]. */
  readonly jitter: number;
  /** The first retry delay after a failure; it doubles up to a cap. */
  readonly backoffMs: number;
}

export const DEFAULT_JITTER = 0.1;
export const DEFAULT_BACKOFF_MS = 5_000;
/** At start-up the backoff stops growing here: Parameter Store may come up at any moment of `--wait`. */
export const START_UP_MAX_BACKOFF_MS = 30_000;

/**
 * Who makes the calls. A one-shot command keeps the SDK's default; `watch` and `exec` are in no hurry
 * (the files stay good meanwhile), so a call throttled by the account's shared rate limit gets more
 * attempts. AWS_MAX_ATTEMPTS and the profile's `max_attempts` win over both.
 */
export type Caller = 'one-shot' | 'long-running';

const ATTEMPTS_PER_CALL: Readonly<Record<Caller, number>> = { 'one-shot': DEFAULT_MAX_ATTEMPTS, 'long-running': 8 };

/** Attempts per call when neither AWS_MAX_ATTEMPTS nor the profile's `max_attempts` says. */
export function attemptsPerCall(caller: Caller): number {
  return ATTEMPTS_PER_CALL[caller];
}

/** The interval spread by the jitter, so a fleet of sidecars does not hit the shared rate limit in lock-step. */
export function intervalDelay(timing: LoopTiming, random: () => number = Math.random): number {
  return Math.round(timing.intervalMs * (1 + timing.jitter * (2 * random() - 1)));
}

/**
 * Before the loop's first refresh. With jitter on, a uniformly random point in the first interval
 * ("splay"): sidecars started together (a rollout, a node restart) then refresh at spread phases
 * instead of in lock-step, and no value is older than one interval. With jitter off, the interval.
 */
export function firstDelay(timing: LoopTiming, random: () => number = Math.random): number {
  if (timing.jitter === 0) return timing.intervalMs;
  return Math.max(1, Math.round(timing.intervalMs * (1 - random())));
}

/** The one backoff formula: exponential from `backoffMs`, capped, then jittered down to half. */
function backoff(timing: LoopTiming, failures: number, capMs: number, random: () => number): number {
  const capped = Math.min(capMs, timing.backoffMs * 2 ** Math.min(Math.max(failures, 1) - 1, 30));
  return Math.round(capped * (0.5 + 0.5 * random()));
}

/** After `failures` failed refreshes in a row: the backoff, never longer than the interval. */
export function backoffDelay(timing: LoopTiming, failures: number, random: () => number = Math.random): number {
  return backoff(timing, failures, timing.intervalMs, random);
}

/** After `failures` failed first renders in a row: the same backoff, capped sooner. */
export function startUpDelay(timing: LoopTiming, failures: number, random: () => number = Math.random): number {
  return backoff(timing, failures, Math.min(timing.intervalMs, START_UP_MAX_BACKOFF_MS), random);
}

/**
 * How long the loop waits after a failed refresh. A `retryable` error (throttling, 5xx, a timeout,
 * expired credentials) may pass by itself: back off and try again soon. Any other (access denied, a
 * parameter gone, a render or write error) waits for a person to act: try again at the next interval,
 * rather than spend the account's shared rate limit on answers known in advance.
 */
export function delayAfterFailure(timing: LoopTiming, error: unknown, failures: number, random: () => number = Math.random): number {
  return isRetryable(error) ? backoffDelay(timing, failures, random) : intervalDelay(timing, random);
}

/** Our errors say whether they may pass by themselves; anything else (a bug) does not. */
export function isRetryable(error: unknown): boolean {
  return isSsmRenderError(error) && error.retryable;
}

/**
 * Whether the first render tries again (within `--wait`): every Parameter Store or AWS error (exit 3),
 * retryable or not, since at start-up the service may be booting, the IAM role not yet bound, the
 * parameters not yet seeded. Config, render and write errors will not pass: they fail at once.
 */
export function retriedAtStartUp(error: unknown): boolean {
  return isSsmRenderError(error) && error.exitCode === 3;
}

/**
 * Whether `render --reuse-within` may keep recent files instead of failing: only when Parameter
 * Store itself is unwell (throttling after the SDK's retries, 5xx, the network, a timeout). Never on
 * access denied, a missing parameter, credentials, or a config, render or write error: those would
 * hide a mistake a person must fix, or a file that is wrong.
 */
export function mayReuseRecentFiles(error: unknown): boolean {
  return isRetryable(error) && isSsmRenderError(error) && (error.code === 'THROTTLED' || error instanceof ServiceError);
}

/** Whether an SDK error (or one attempt's) is throttling, as the SDK's own retry strategy decides. */
export function isThrottled(error: unknown): boolean {
  return typeof error === 'object' && error !== null && isThrottlingError(error as Parameters<typeof isThrottlingError>[0]);
}
