import { describe, expect, it } from 'vitest';
import { nextDelay } from '../../../src/runner/schedule';

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
