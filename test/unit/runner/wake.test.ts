import { describe, expect, it } from 'vitest';
import { realClock } from '../../../src/clock';
import { Wake } from '../../../src/runner/wake';

describe('Wake', () => {
  it('cuts a wait short, and counts triggers made while busy once', async () => {
    const wake = new Wake();
    const stop = new AbortController();
    const started = performance.now();
    setTimeout(() => wake.trigger(), 20);
    expect(await wake.sleep(10_000, realClock, stop.signal)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_000);
    wake.trigger();
    wake.trigger();
    expect(await wake.sleep(10_000, realClock, stop.signal)).toBe(true);
    expect(await wake.sleep(5, realClock, stop.signal)).toBe(false);
  });

  it('ends a wait when stopped, and leaves no listener on the stop signal', async () => {
    const wake = new Wake();
    const stop = new AbortController();
    for (let i = 0; i < 50; i++) await wake.sleep(1, realClock, stop.signal);
    setTimeout(() => stop.abort(), 10);
    expect(await wake.sleep(10_000, realClock, stop.signal)).toBe(false);
  });
});
