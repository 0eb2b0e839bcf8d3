import { describe, expect, it } from 'vitest';
import { createLogger, Redactor } from '../../../src/log';
import { noMetrics } from '../../../src/metrics';
import type { Clock } from '../../../src/clock';
import type { RefreshResult } from '../../../src/runner/refresher';
import { Wake } from '../../../src/runner/wake';
import { refreshCycle, type LoopDeps } from '../../../src/runner/watch-loop';
import { WatchState } from '../../../src/runner/watch-state';
import { ServiceError } from '../../../src/errors';

const watch = { intervalMs: 60_000, jitter: 0.1, maxStaleMs: undefined, backoffMs: 5_000 };

/** A loop whose refresh takes `tookMs` of the clock's time and then gives `result` (or throws it). */
async function loop(tookMs: number, result: RefreshResult | Error): Promise<LoopDeps> {
  let now = 1_000_000;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const refresher = {
    refresh: async () => {
      now += tookMs;
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return {
    refresher,
    watch,
    clock,
    stop: new AbortController().signal,
    wake: new Wake(),
    state: new WatchState(now, undefined),
    log: await createLogger({ level: 'silent', format: 'json', redactor: new Redactor() }),
    metrics: noMetrics,
    random: () => 0.5, // no jitter: the interval itself
  };
}

describe('refreshCycle', () => {
  it('runs the interval from the start of one refresh to the start of the next', async () => {
    expect(await refreshCycle(await loop(0, { kind: 'unchanged' }), async () => undefined, 'timer')).toBe(60_000);
    // A refresh slowed down by throttling retries: the next one still starts one interval after it started.
    expect(await refreshCycle(await loop(7_000, { kind: 'unchanged' }), async () => undefined, 'timer')).toBe(53_000);
    expect(await refreshCycle(await loop(90_000, { kind: 'unchanged' }), async () => undefined, 'timer')).toBe(0);
  });

  it('backs off from the end of a failed refresh, not from its start', async () => {
    const failed = new ServiceError('Parameter Store is throttling', { hint: 'wait' });
    expect(await refreshCycle(await loop(30_000, failed), async () => undefined, 'timer')).toBe(3_750); // 5 s * (0.5 + 0.5 * 0.5)
  });
});
