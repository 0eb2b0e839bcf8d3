import { describe, expect, it } from 'vitest';
import { httpLimits } from '../../../src/server/http-limits';

describe('httpLimits', () => {
  it.each([
    [undefined, 64],
    [1_048_576, 64],
    [1024, 64],
    [256, 64],
    [128, 32],
    [16, 4],
  ])('with ulimit -n %s, at most %i connections: never more than a quarter of the descriptors (but 4)', (fdLimit, max) => {
    expect(httpLimits(fdLimit).maxConnections).toBe(max);
  });

  it('a request must be whole well before the idle socket timeout, and Node checks often enough to enforce it', () => {
    const limits = httpLimits(undefined);
    expect(limits.headersTimeoutMs).toBeLessThanOrEqual(limits.requestTimeoutMs);
    expect(limits.requestTimeoutMs).toBeLessThanOrEqual(limits.idleTimeoutMs);
    expect(limits.checkIntervalMs).toBeLessThan(limits.headersTimeoutMs / 2);
  });
});

describe('httpLimits: POST /refresh', () => {
  it('answers a waiting refresh before the idle timeout would close its connection', () => {
    const limits = httpLimits(undefined);
    expect(limits.refreshAnswerMs).toBeLessThan(limits.idleTimeoutMs);
  });

  it.each([undefined, 256, 16])('with ulimit -n %s, refreshes waiting for their outcome hold at most a quarter of the connections', (fdLimit) => {
    const limits = httpLimits(fdLimit);
    expect(limits.maxRefreshWaiting).toBeLessThanOrEqual(limits.maxConnections / 4);
    expect(limits.maxConnections - limits.maxRefreshWaiting).toBeGreaterThanOrEqual(3);
  });
});
