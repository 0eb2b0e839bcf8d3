import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PerCallRetryStrategy } from '../../../src/retry/sdk-strategy';
import { createSsmClient } from '../../../src/source/ssm-client';
import { startFakeSsm, type FakeSsm } from '../../support/fake-ssm';

const base = { region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', requestTimeoutMs: 1_000 };

/** The attempts the SDK's retry strategy will make, as the client resolved them. */
async function attempts(options: Parameters<typeof createSsmClient>[0]): Promise<number> {
  const client = await createSsmClient(options);
  try {
    return await client.config.maxAttempts();
  } finally {
    client.destroy();
  }
}

describe('createSsmClient: attempts per call', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('keeps the SDK default (3) for a one-shot caller, 8 for a long-running one', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent');
    expect(await attempts(base)).toBe(3);
    expect(await attempts({ ...base, longRunning: true })).toBe(8);
  });

  it("lets AWS_MAX_ATTEMPTS and the profile's max_attempts win over the loop's default", async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '2');
    expect(await attempts({ ...base, longRunning: true })).toBe(2);
    vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
    const dir = mkdtempSync(join(tmpdir(), 'ssm-render-profile-'));
    writeFileSync(join(dir, 'config'), '[default]\nmax_attempts = 5\n');
    vi.stubEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    vi.stubEnv('AWS_PROFILE', undefined);
    expect(await attempts({ ...base, longRunning: true })).toBe(5);
  });
});

describe('createSsmClient: a fresh retry budget for every call', () => {
  let fake: FakeSsm;
  beforeAll(async () => {
    fake = await startFakeSsm();
    fake.put('/APP/PROD/DB/PASSWORD', 'pw', { type: 'SecureString' });
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKID');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_MAX_ATTEMPTS', undefined);
    vi.stubEnv('AWS_RETRY_MODE', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent');
    // The SDK's retry delays are a random fraction of their cap: 0 makes every retry immediate.
    vi.spyOn(Math, 'random').mockReturnValue(0);
    fake.clearFaults();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  /** The requests the fake received for each of `n` calls (each one failing or not). */
  async function attemptsPerCall(client: SSMClient, n: number): Promise<number[]> {
    const seen: number[] = [];
    for (let i = 0; i < n; i++) {
      const before = fake.calls()['GetParameter'] ?? 0;
      await client.send(new GetParameterCommand({ Name: '/APP/PROD/DB/PASSWORD', WithDecryption: true })).catch(() => undefined);
      seen.push((fake.calls()['GetParameter'] ?? 0) - before);
    }
    return seen;
  }

  // The SDK's bucket: 500 tokens, a retry costs 14 (5 when throttled), a success gives 1 back. Twenty
  // calls of seven retries each would drain it several times over.
  it.each(['server-error', 'throttle'] as const)('a second outage (%s) after a long one gets as many attempts per call as the first', async (kind) => {
    const client = await createSsmClient({ region: 'eu-west-1', endpoint: fake.url, requestTimeoutMs: 2_000, longRunning: true });
    try {
      fake.inject({ kind });
      const first = await attemptsPerCall(client, 20);
      fake.clearFaults();
      expect(await attemptsPerCall(client, 5)).toEqual([1, 1, 1, 1, 1]);
      fake.inject({ kind });
      const second = await attemptsPerCall(client, 5);
      expect(first).toEqual(Array(20).fill(8));
      expect(second).toEqual(Array(5).fill(8));
    } finally {
      client.destroy();
    }
  });

  it('keeps AWS_MAX_ATTEMPTS and AWS_RETRY_MODE as the SDK reads them', async () => {
    vi.stubEnv('AWS_MAX_ATTEMPTS', '2');
    vi.stubEnv('AWS_RETRY_MODE', 'adaptive');
    const client = await createSsmClient({ region: 'eu-west-1', endpoint: fake.url, requestTimeoutMs: 2_000, longRunning: true });
    try {
      expect(await ((await client.config.retryStrategy()) as PerCallRetryStrategy).retryMode()).toBe('adaptive');
      fake.inject({ kind: 'server-error' });
      expect(await attemptsPerCall(client, 3)).toEqual([2, 2, 2]);
    } finally {
      client.destroy();
    }
  });

  it('a call cut short by a deadline (a TimeoutError abort) fails with its last answer, or a TimeoutError; a stop stays an abort', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // retry delays of 0.5 s, 1 s, 2 s, ... when throttled
    const client = await createSsmClient({ region: 'eu-west-1', endpoint: fake.url, requestTimeoutMs: 10_000, longRunning: true });
    const call = (signal: AbortSignal) =>
      client.send(new GetParameterCommand({ Name: '/APP/PROD/DB/PASSWORD' }), { abortSignal: signal }).catch((e: unknown) => e);
    const timedOut = (ms: number) => {
      const c = new AbortController();
      setTimeout(() => c.abort(new DOMException('--wait ran out', 'TimeoutError')), ms);
      return c.signal;
    };
    try {
      fake.inject({ kind: 'throttle' });
      let started = performance.now();
      const throttled = (await call(timedOut(1_200))) as { name: string; $metadata: { attempts: number } };
      expect(performance.now() - started).toBeLessThan(1_200 + 500);
      expect(throttled.name).toBe('ThrottlingException');
      expect(throttled.$metadata.attempts).toBeGreaterThanOrEqual(1);
      expect(throttled.$metadata.attempts).toBeLessThan(8);

      fake.clearFaults();
      fake.inject({ kind: 'latency', latencyMs: 5_000 });
      started = performance.now();
      expect(await call(timedOut(300))).toMatchObject({ name: 'TimeoutError', message: 'no answer before the deadline' });
      expect(performance.now() - started).toBeLessThan(300 + 500);

      const stop = new AbortController();
      setTimeout(() => stop.abort(), 300);
      expect(await call(stop.signal)).toMatchObject({ name: 'AbortError' });
    } finally {
      client.destroy();
    }
  });

  it('gives a one-shot caller 3 attempts a call, in standard mode', async () => {
    const client = await createSsmClient({ region: 'eu-west-1', endpoint: fake.url, requestTimeoutMs: 2_000 });
    try {
      expect(await ((await client.config.retryStrategy()) as PerCallRetryStrategy).retryMode()).toBe('standard');
      fake.inject({ kind: 'server-error' });
      expect(await attemptsPerCall(client, 2)).toEqual([3, 3]);
    } finally {
      client.destroy();
    }
  });
});
