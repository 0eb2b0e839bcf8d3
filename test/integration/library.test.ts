import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  ConfigError,
  CredentialsError,
  InvalidRequestError,
  ParameterExistsError,
  ParameterNotFoundError,
  ParameterStore,
  SsmRenderError,
  ThrottledError,
  loadConfig,
} from '../../src/index';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { scratch } from '../support/tmp';
import { CANARY, PATH, clear, seedGuide } from '../support/toolkit';

let fake: FakeSsm;
let store: ParameterStore;
let dir: ReturnType<typeof scratch>;

// The library reads the SDK's own variables: credentials, retries, endpoint. Nothing from this machine.
beforeAll(async () => {
  fake = await startFakeSsm();
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDLIBRARY',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_MAX_ATTEMPTS: '2',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  });
  for (const name of [
    'AWS_PROFILE',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
    'AWS_ENDPOINT_URL',
    'AWS_ENDPOINT_URL_SSM',
    'ENV',
    'PARAMETER_STORE_PREFIX',
    'LOCAL_DEV_MODE',
    'USE_PARAMETER_STORE',
  ])
    delete process.env[name];
  store = new ParameterStore({ region: 'eu-west-1', endpoint: fake.url });
});
afterAll(async () => {
  await store.close();
  await fake.close();
});
beforeEach(() => {
  dir = scratch();
  fake.clearFaults();
  fake.resetCounters();
  seedGuide(fake);
});
afterEach(() => dir.cleanup());

async function caught(promise: Promise<unknown>): Promise<SsmRenderError> {
  try {
    await promise;
  } catch (error) {
    return error as SsmRenderError;
  }
  throw new Error('expected a rejection');
}

const noLeak = (error: Error & { hint?: string }) => {
  expect(error.message).not.toContain(CANARY);
  expect(error.hint ?? '').not.toContain(CANARY);
};

describe('ParameterStore', () => {
  it('getParameter decrypts by default; decrypt: false gives the ciphertext', async () => {
    expect(await store.getParameter(`${PATH}MYSQL/PASSWORD`)).toBe(`my'sql\n${CANARY}`);
    expect(await store.getParameter(`${PATH}MYSQL/PASSWORD`, { decrypt: false })).not.toContain(CANARY);
    expect(fake.calls()).toEqual({ GetParameter: 2 });
    expect(fake.decryptions()).toBe(1);
  });

  it('default answers for a missing parameter only; access denied, throttling and bad credentials still throw', async () => {
    expect(await store.getParameter(`${PATH}MYSQL/PORT`, { default: '3306' })).toBe('3306');
    fake.inject({ operation: 'GetParameter', kind: 'access-denied', times: 1 });
    const denied = await caught(store.getParameter(`${PATH}MYSQL/PASSWORD`, { default: 'x' }));
    expect(denied).toBeInstanceOf(AccessDeniedError);
    expect(denied).toMatchObject({
      code: 'ACCESS_DENIED',
      exitCode: 3,
      action: 'ssm:GetParameter',
      resource: 'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING/MYSQL/PASSWORD',
    });
    expect(denied.hint).toMatch(/iam-policy/);
    fake.inject({ operation: 'GetParameter', kind: 'throttle' });
    expect(await caught(store.getParameter(`${PATH}MYSQL/PORT`, { default: 'x' }))).toBeInstanceOf(ThrottledError);
    fake.clearFaults();
    fake.inject({ kind: 'unrecognized-client', times: 1 });
    expect(await caught(store.getParameter(`${PATH}MYSQL/PORT`, { default: 'x' }))).toBeInstanceOf(CredentialsError);
  });

  it('a missing parameter without default throws ParameterNotFoundError with its near misses', async () => {
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PORT', '3306', { type: 'String' });
    const error = (await caught(store.getParameter(`${PATH}MYSQL/PORT`))) as ParameterNotFoundError;
    expect(error).toBeInstanceOf(ParameterNotFoundError);
    expect(error.message).toBe(`Parameter not found: ${PATH}MYSQL/PORT`);
    expect(error.names).toEqual([`${PATH}MYSQL/PORT`]);
    expect(error.nearMisses).toEqual(['/ELASMETRICS/PRODUCTION/MYSQL/PORT (ENV=PRODUCTION)']);
    expect(error.exitCode).toBe(3);
  });

  it('getParametersByPath returns keys relative to the path, like the guide, over more than 10 parameters', async () => {
    fake.put(`${PATH}MYSQL/REPLICA/HOST`, 'replica', { type: 'String' });
    expect(await store.getParametersByPath(`${PATH}MYSQL/`)).toEqual({
      HOST: 'db.internal',
      PASSWORD: `my'sql\n${CANARY}`,
      USER: 'metrics_user',
      'REPLICA/HOST': 'replica',
    });
    expect(await store.getParametersByPath(`${PATH}MYSQL`, { recursive: false })).toEqual({
      HOST: 'db.internal',
      PASSWORD: `my'sql\n${CANARY}`,
      USER: 'metrics_user',
    });
    clear(fake);
    for (let i = 0; i < 37; i++) fake.put(`/BIG/K${i}`, `v${i}`, { type: i % 3 ? 'String' : 'SecureString' });
    fake.resetCounters();
    const big = await store.getParametersByPath('/BIG');
    expect(Object.keys(big)).toHaveLength(37);
    expect(big['K36']).toBe('v36');
    expect(fake.calls()).toEqual({ GetParametersByPath: 4 });
    expect(await store.getParametersByPath('/NOTHING/HERE/')).toEqual({});
    const cipher = await store.getParametersByPath('/BIG', { decrypt: false });
    expect(cipher['K0']).not.toBe('v0');
  });

  it('putParameter: SecureString by default, refuses an existing name without overwrite, keeps the type on overwrite', async () => {
    expect(await store.putParameter({ name: '/LIB/NEW', value: `multi\nline ${CANARY}\n` })).toEqual({ version: 1, tier: 'Standard' });
    expect(await store.getParameter('/LIB/NEW')).toBe(`multi\nline ${CANARY}\n`);
    const exists = await caught(store.putParameter({ name: '/LIB/NEW', value: 'again' }));
    expect(exists).toBeInstanceOf(ParameterExistsError);
    expect(exists).toMatchObject({ code: 'PARAMETER_EXISTS', parameter: '/LIB/NEW' });
    noLeak(exists);
    await store.putParameter({ name: '/LIB/PLAIN', value: 'a', type: 'String', description: 'plain' });
    expect(await store.putParameter({ name: '/LIB/PLAIN', value: 'b', overwrite: true })).toMatchObject({ version: 2 });
    expect(await store.getParameter('/LIB/PLAIN', { decrypt: false })).toBe('b');
    expect(await store.putParameter({ name: '/LIB/CMK', value: 'x', keyId: 'alias/app', tier: 'Advanced' })).toEqual({ version: 1, tier: 'Advanced' });
    const tooLong = await caught(store.putParameter({ name: '/LIB/BIG', value: `${CANARY}${'x'.repeat(5000)}`, tier: 'Standard' }));
    expect(tooLong).toBeInstanceOf(InvalidRequestError);
    noLeak(tooLong);
  });

  it('refuses bad input before any call', async () => {
    for (const bad of [
      store.putParameter({ name: 'relative/name', value: 'x' }),
      store.putParameter({ name: '/x', value: '' }),
      store.putParameter({ name: '/x', value: 'v', type: 'Secret' as never }),
      store.getParameter('/ssm/x'),
      store.getParametersByPath('no-slash'),
    ]) {
      expect(await caught(bad)).toBeInstanceOf(InvalidRequestError);
    }
    expect(fake.calls()).toEqual({});
  });

  it('deleteParameter; a missing one throws ParameterNotFoundError', async () => {
    await store.deleteParameter(`${PATH}MYSQL/HOST`);
    expect(fake.value(`${PATH}MYSQL/HOST`)).toBeUndefined();
    expect(await caught(store.deleteParameter(`${PATH}MYSQL/HOST`))).toBeInstanceOf(ParameterNotFoundError);
  });

  it('uses a client you pass, and never closes it', async () => {
    const client = new SSMClient({ region: 'eu-west-1', endpoint: fake.url, credentials: { accessKeyId: 'AKIDOWN', secretAccessKey: 'x' } });
    const own = new ParameterStore({ client });
    expect(await own.getParameter(`${PATH}MYSQL/USER`)).toBe('metrics_user');
    await own.close();
    expect(await own.getParameter(`${PATH}MYSQL/USER`)).toBe('metrics_user');
    expect(fake.requests().filter((r) => r.accessKeyId === 'AKIDOWN')).toHaveLength(2);
    client.destroy();
  });

  it('without a region anywhere, says which variable sets it', async () => {
    const error = await caught(new ParameterStore({ endpoint: fake.url }).getParameter('/x'));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.hint).toMatch(/AWS_REGION/);
  });
});

describe('loadConfig', () => {
  it("merges Parameter Store > environment > YAML > JSON > defaults.values, with the guide's sections", async () => {
    dir.write(
      'ssm-render.yaml',
      'prefix: /ELASMETRICS\nregion: eu-west-1\nrequired: [MYSQL/PASSWORD]\ndefaults:\n  files: [config/config.yaml, config/airflow.json]\n  values: { MYSQL: { PORT: "3306", HOST: from-values }, APP: { NAME: values } }\n',
    );
    dir.write('config/config.yaml', 'MYSQL:\n  HOST: from-yaml\nAPP:\n  NAME: yaml\n  MODE: yaml\n');
    dir.write('config/airflow.json', '{"APP": {"MODE": "json", "DAG": "json"}}');
    dir.write('.env', `ENV=STAGING\nAPP_NAME=from-dotenv\n`);
    const config = await loadConfig<{ MYSQL: Record<string, string>; ELASTICSEARCH: Record<string, string>; APP: Record<string, string> }>({
      cwd: dir.dir,
      environment: { AWS_ENDPOINT_URL: fake.url, MYSQL_USER: 'env-loses-to-parameter-store' },
    });
    expect(config.MYSQL).toEqual({ HOST: 'db.internal', PASSWORD: `my'sql\n${CANARY}`, USER: 'metrics_user', PORT: '3306' });
    expect(config.ELASTICSEARCH).toEqual({ PASSWORD: `es-${CANARY}`, USERNAME: 'elastic_user' });
    expect(config.APP).toEqual({ NAME: 'from-dotenv', MODE: 'yaml', DAG: 'json' });
    expect(config.params['MYSQL/PASSWORD']).toBe(`my'sql\n${CANARY}`);
    expect(config.env['ELASTICSEARCH_PASSWORD']).toBe(`es-${CANARY}`);
    expect(config.meta).toMatchObject({ env: 'STAGING', prefix: '/ELASMETRICS', path: PATH, region: 'eu-west-1', local: false });
    expect(config.meta.settings.ENV).toEqual({ value: 'STAGING', from: 'ENV (.env)' });
    expect(config.meta.settings.AWS_REGION?.from).toMatch(/^region \(config file /);
    expect(Object.getPrototypeOf(config.MYSQL)).toBe(Object.prototype);
    expect(fake.calls()).toEqual({ GetParametersByPath: 1 });
  });

  it("honours LOCAL_DEV_MODE and the guide's local names with no AWS call", async () => {
    dir.write('ssm-render.yaml', 'required: [MYSQL/PASSWORD, ELASTICSEARCH/PASSWORD]\naliases: { ELASTICSEARCH/PASSWORD: ES_PASSWORD }\n');
    dir.write('.env', 'LOCAL_DEV_MODE=true\nES_PASSWORD=local-es\nMYSQL_PASSWORD=local-mysql\n');
    const config = await loadConfig<{ MYSQL: { PASSWORD: string }; ELASTICSEARCH: { PASSWORD: string } }>({
      cwd: dir.dir,
      environment: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(config.MYSQL.PASSWORD).toBe('local-mysql');
    expect(config.ELASTICSEARCH.PASSWORD).toBe('local-es');
    expect(config.meta.local).toBe(true);
    expect(config.meta.settings.LOCAL_DEV_MODE).toEqual({ value: true, from: 'LOCAL_DEV_MODE (.env)' });
    expect(fake.calls()).toEqual({});
  });

  it("throws the CLI's errors: a missing required key with near misses, no credentials", async () => {
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/SSL', 'x', { type: 'String' });
    const options = { cwd: dir.dir, prefix: '/ELASMETRICS', env: 'STAGING', region: 'eu-west-1', endpoint: fake.url };
    dir.write('ssm-render.yaml', 'required: [MYSQL/SSL]\n');
    const missing = (await caught(loadConfig(options))) as ParameterNotFoundError;
    expect(missing).toBeInstanceOf(ParameterNotFoundError);
    expect(missing.nearMisses).toEqual(['/ELASMETRICS/PRODUCTION/MYSQL/SSL (ENV=PRODUCTION)']);
    const saved = process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_ACCESS_KEY_ID'];
    try {
      expect(await caught(loadConfig({ ...options, environment: {} }))).toBeInstanceOf(CredentialsError);
    } finally {
      process.env['AWS_ACCESS_KEY_ID'] = saved;
    }
  });
});

describe('the built package entry', () => {
  const main = resolve(__dirname, '../../dist/index.cjs');
  it('dist/index.cjs exports the library and dist/types/index.d.ts types it', async () => {
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../package.json'), 'utf8')) as { main: string; types: string };
    expect(resolve(__dirname, '../..', pkg.main)).toBe(main);
    expect(existsSync(resolve(__dirname, '../..', pkg.types))).toBe(true);
    expect(readFileSync(resolve(__dirname, '../..', pkg.types), 'utf8')).toMatch(/export \{ ParameterStore \}/);
    const lib = createRequire(__filename)(main) as typeof import('../../src/index');
    const built = new lib.ParameterStore({ region: 'eu-west-1', endpoint: fake.url });
    expect(await built.getParametersByPath(`${PATH}ELASTICSEARCH`)).toEqual({ PASSWORD: `es-${CANARY}`, USERNAME: 'elastic_user' });
    const error = await built.getParameter('/NOPE/X').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(lib.ParameterNotFoundError);
    expect(error).toBeInstanceOf(lib.SsmRenderError);
    await built.close();
    expect(readFileSync(main, 'utf8')).toMatch(/require\("@aws-sdk\/client-ssm"\)/);
  });
});
