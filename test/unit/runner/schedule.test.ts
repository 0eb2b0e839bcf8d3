import { describe, expect, it } from 'vitest';
import { firstDelay, nextDelay } from '../../../src/runner/schedule';

const watch = { intervalMs: 300_000, jitter: 0.1, maxStaleMs: undefined, backoffMs: 5_000 };

describe('nextDelay', () => {
  it('spreads the interval by the jitter, both ways', () => {
    expect(nextDelay(watch, 0, () => 0)).toBe(270_000);
    expect(nextDelay(watch, 0, () => 0.5)).toBe(300_000);
    expect(nextDelay(watch, 0, () => 1)).toBe(330_000);
    expect(nextDelay({ ...watch, jitter: 0 }, 0, Math.random)).toBe(300_000);
  });

  it('backs off exponentially after failures, with jitter, capped at the interval', () => {
    expect([1, 2, 3, 4].map((f) => nextDelay(watch, f, () => 1))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(nextDelay(watch, 1, () => 0)).toBe(2_500);
    expect(nextDelay(watch, 20, () => 1)).toBe(300_000);
    expect(nextDelay(watch, 10_000, () => 1)).toBe(300_000);
  });
});

describe('firstDelay', () => {
  it('puts the first refresh at a uniformly random point of the first interval (splay), never later', () => {
    expect(firstDelay(watch, () => 0)).toBe(300_000);
    expect(firstDelay(watch, () => 0.25)).toBe(225_000);
    expect(firstDelay(watch, () => 0.999_999_9)).toBe(1);
    const delays = Array.from({ length: 1_000 }, () => firstDelay(watch));
    expect(Math.max(...delays)).toBeLessThanOrEqual(300_000);
    // Spread over the whole interval, not bunched within the ±10% jitter.
    expect(delays.filter((d) => d < 150_000).length).toBeGreaterThan(350);
  });

  it('is exactly the interval with jitter off', () => {
    expect(firstDelay({ ...watch, jitter: 0 }, () => 0.5)).toBe(300_000);
  });
});
