import { SSMClient } from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../../../src/errors';
import { openParameterStore, resolveRegion } from '../../../src/source/open-parameter-store';
import type { ParameterSource } from '../../../src/source/types';

const base = { endpoint: { value: 'http://127.0.0.1:9', from: '--endpoint-url' }, requestTimeoutMs: 1_000 };

describe('openParameterStore', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('opens its own client with the region and where it came from, and closes it', async () => {
    const store = await openParameterStore({ ...base, region: { value: 'eu-west-1', from: 'AWS_REGION (environment)' } });
    expect(store.region).toEqual({ value: 'eu-west-1', from: 'AWS_REGION (environment)' });
    expect(store.nearMisses).toBeTypeOf('function');
    const destroy = vi.spyOn(store.client as SSMClient, 'destroy');
    store.close();
    expect(destroy).toHaveBeenCalledOnce();
  });

  it("uses a caller's client as it is and never destroys it; one without a region is a config error", async () => {
    const client = new SSMClient({ region: 'ap-southeast-2', endpoint: 'http://127.0.0.1:9' });
    const destroy = vi.spyOn(client, 'destroy');
    const store = await openParameterStore({ ...base, region: { value: 'eu-west-1', from: '--region' }, client });
    expect(store.client).toBe(client);
    expect(store.region).toEqual({ value: 'ap-southeast-2', from: 'the SSMClient passed in' });
    store.close();
    expect(destroy).not.toHaveBeenCalled();
    client.destroy();
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent');
    const bare = new SSMClient({});
    await expect(openParameterStore({ ...base, client: bare })).rejects.toThrow('No AWS region is set on the SSMClient passed in');
    bare.destroy();
  });

  it('names a region that is not one with its setting; none at all is "No AWS region is set"', async () => {
    const invalid = await openParameterStore({ ...base, region: { value: 'EU West', from: '--region' } }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ConfigError);
    expect((invalid as ConfigError).message).toBe('Expected the AWS region (from --region) to be a region name such as `eu-west-1`, got `EU West`');
    expect((invalid as ConfigError).hint).toMatch(/^fix it in --region:/);
    await expect(resolveRegion({ value: '', from: 'AWS_REGION (.env)' })).rejects.toThrow(
      '(from AWS_REGION (.env)) to be a region name such as `eu-west-1`, got ``',
    );
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent');
    await expect(openParameterStore(base)).rejects.toThrow(/^No AWS region is set$/);
    expect(await resolveRegion({ value: 'us-east-1', from: '--region' })).toEqual({ value: 'us-east-1', from: '--region' });
  });

  it('in local dev mode is the local source alone: no client, no region, no near misses', async () => {
    const local: ParameterSource = { byPath: async () => [], byNames: async () => new Map(), notFound: () => undefined };
    const store = await openParameterStore({ ...base, region: { value: 'EU West', from: '--region' }, local });
    expect(store).toMatchObject({ source: local, client: undefined, region: undefined, nearMisses: undefined });
    expect(() => store.close()).not.toThrow();
  });
});
