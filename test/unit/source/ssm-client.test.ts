import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSsmClient } from '../../../src/source/ssm-client';

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
