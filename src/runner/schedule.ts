import type { WatchConfig } from '../config/config';

/**
 * How long to wait before the next refresh: the interval spread by the jitter (so a fleet of
 * sidecars does not hit the shared rate limit in lock-step), or after failures a capped exponential
 * backoff with jitter, never longer than the interval.
 */
export function nextDelay(watch: WatchConfig, failures: number, random: () => number = Math.random): number {
  if (failures === 0) return Math.round(watch.intervalMs * (1 + watch.jitter * (2 * random() - 1)));
  const capped = Math.min(watch.intervalMs, watch.backoffMs * 2 ** Math.min(failures - 1, 30));
  return Math.round(capped * (0.5 + 0.5 * random()));
}
