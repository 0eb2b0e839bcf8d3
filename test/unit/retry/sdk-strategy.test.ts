import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PerCallRetryStrategy } from '../../../src/retry/sdk-strategy';

type ErrorInfo = Parameters<PerCallRetryStrategy['refreshRetryTokenForRetry']>[1];
const transient = { errorType: 'TRANSIENT', error: { name: 'InternalServerError', $metadata: { httpStatusCode: 500 } } } as ErrorInfo;
const throttling = { errorType: 'THROTTLING', error: { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } } } as ErrorInfo;

/** How many retries one call is granted before the strategy refuses. */
async function retriesOfOneCall(strategy: PerCallRetryStrategy, info: ErrorInfo): Promise<number> {
  let token = await strategy.acquireInitialRetryToken('eu-west-1');
  for (let retries = 0; ; retries++) {
    try {
      token = await strategy.refreshRetryTokenForRetry(token, info);
    } catch {
      return retries;
    }
  }
}

describe('PerCallRetryStrategy', () => {
  beforeEach(() => void vi.spyOn(Math, 'random').mockReturnValue(0)); // no retry delays
  afterEach(() => vi.restoreAllMocks());

  it.each([
    ['transient errors', transient],
    ['throttling', throttling],
  ] as const)('grants every call its attempts, however many retries came before (%s)', async (_name, info) => {
    const strategy = new PerCallRetryStrategy({ maxAttempts: async () => 8, retryMode: async () => 'standard' });
    const granted = [];
    for (let call = 0; call < 40; call++) granted.push(await retriesOfOneCall(strategy, info));
    expect(granted).toEqual(Array(40).fill(7));
  });

  it('still stops a call at its own budget: 500 tokens, 14 a transient retry', async () => {
    const strategy = new PerCallRetryStrategy({ maxAttempts: async () => 100, retryMode: async () => 'standard' });
    expect(await retriesOfOneCall(strategy, transient)).toBe(35);
    expect(await retriesOfOneCall(strategy, transient)).toBe(35);
  });

  it('in adaptive mode, every call goes through one rate limiter, which keeps what it learnt', async () => {
    const limiter = { getSendToken: vi.fn(async () => undefined), updateClientSendingRate: vi.fn() };
    const strategy = new PerCallRetryStrategy({ maxAttempts: async () => 3, retryMode: async () => 'adaptive', rateLimiter: limiter });
    expect(await retriesOfOneCall(strategy, throttling)).toBe(2);
    const token = await strategy.acquireInitialRetryToken('eu-west-1');
    strategy.recordSuccess(token);
    // Two calls (3 + 1 send tokens); every answer, good or throttled, teaches the limiter.
    expect(limiter.getSendToken).toHaveBeenCalledTimes(4);
    expect(limiter.updateClientSendingRate).toHaveBeenCalledTimes(4);
  });

  it('in standard mode, no rate limiter is asked', async () => {
    const limiter = { getSendToken: vi.fn(async () => undefined), updateClientSendingRate: vi.fn() };
    const strategy = new PerCallRetryStrategy({ maxAttempts: async () => 3, retryMode: async () => 'standard', rateLimiter: limiter });
    expect(await retriesOfOneCall(strategy, throttling)).toBe(2);
    expect(limiter.getSendToken).not.toHaveBeenCalled();
  });

  it('refuses a token it did not hand out', async () => {
    const strategy = new PerCallRetryStrategy({ maxAttempts: async () => 3, retryMode: async () => 'standard' });
    const foreign = await new PerCallRetryStrategy({ maxAttempts: async () => 3, retryMode: async () => 'standard' }).acquireInitialRetryToken('x');
    expect(() => strategy.recordSuccess(foreign)).toThrow(/another strategy/);
  });
});
