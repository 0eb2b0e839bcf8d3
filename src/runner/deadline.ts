import type { Clock } from '../clock';

export interface Deadline {
  /** Aborted when `stop` is, or when the time is up (then its reason is a TimeoutError). */
  readonly signal: AbortSignal;
  /** The time ran out (rather than a stop). */
  expired(): boolean;
  /** Stop the timer and let go of `stop`. */
  close(): void;
}

/**
 * A signal that aborts after `ms` on `clock`, or with `stop`: handed to every request and every sleep
 * of a bounded phase (the first render under `--wait`), so the bound holds even inside a slow call.
 * Its reason is a TimeoutError, as `AbortSignal.timeout()` gives, so the SDK client can tell it from a stop.
 */
export function deadline(clock: Clock, stop: AbortSignal, ms: number, what: string): Deadline {
  const controller = new AbortController();
  const timer = new AbortController();
  const onStop = () => controller.abort(stop.reason);
  if (stop.aborted) onStop();
  else stop.addEventListener('abort', onStop, { once: true });
  void clock.sleep(ms, timer.signal).then(() => {
    if (!timer.signal.aborted) controller.abort(new DOMException(`${what} ran out`, 'TimeoutError'));
  });
  return {
    signal: controller.signal,
    expired: () => controller.signal.aborted && !stop.aborted,
    close: () => {
      timer.abort();
      stop.removeEventListener('abort', onStop);
    },
  };
}
