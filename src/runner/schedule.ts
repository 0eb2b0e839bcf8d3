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

/**
 * How long to wait before the loop's first refresh. With jitter on, a uniformly random point in the
 * first interval ("splay"): sidecars started together (a rollout, a node restart) then refresh at
 * spread phases instead of in lock-step, and no value is older than one interval. With jitter off,
 * exactly the interval.
 */
export function firstDelay(watch: WatchConfig, random: () => number = Math.random): number {
  if (watch.jitter === 0) return watch.intervalMs;
  return Math.max(1, Math.round(watch.intervalMs * (1 - random())));
}
