import { readFileSync, statSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { isolatedEnv, runCli, type CliResult } from '../support/run-cli';
import { scratch } from '../support/tmp';
import { fakeHooks, type Scratch } from '../support/toolkit';

const CANARY = 'CANARY-7f3a9-do-not-leak';
const PATH = '/ELASMETRICS/STAGING/';

let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  fake.setOptions({ pageSize: 10, emptyPages: 0, latencyMs: 0 });
});

function seedGuide(): void {
  for (const name of fake.names?.() ?? []) fake.delete(name);
  fake.put(`${PATH}ELASTICSEARCH/PASSWORD`, `es-${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}ELASTICSEARCH/USERNAME`, 'elastic_user', { type: 'String' });
  fake.put(`${PATH}MYSQL/PASSWORD`, `my'sql$HOME\n${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}MYSQL/USER`, 'metrics_user', { type: 'String' });
  fake.put(`${PATH}MYSQL/HOST`, 'db.internal', { type: 'String' });
}

function awsEnv(extra: Record<string, string | undefined> = {}) {
  return isolatedEnv({
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: fake.url,
    AWS_MAX_ATTEMPTS: '3',
    ...extra,
  });
}

function config(yaml: string): void {
  dir.write('ssm-render.yaml', yaml);
}

const BASE = `prefix: /ELASMETRICS\nenv: STAGING\n`;

async function render(args: string[] = [], env = awsEnv()): Promise<CliResult> {
  const result = await runCli(['render', ...args], { cwd: dir.dir, env });
  expectNoLeak(result);
  return result;
}

function expectNoLeak(result: CliResult): void {
  expect(result.stdout).not.toContain(CANARY);
  expect(result.stderr).not.toContain(CANARY);
}

const lastLog = (r: CliResult) => r.logs[r.logs.length - 1] ?? {};

describe('render against Parameter Store over HTTP', () => {
  it.each([1, 10, 11, 95, 1000])('renders %i parameters with ceil(N/10) path calls', async (n) => {
    for (const name of fake.names()) fake.delete(name);
    for (let i = 0; i < n; i++) fake.put(`${PATH}APP/K${String(i).padStart(4, '0')}`, `v${i}-${CANARY}`, { type: i % 2 ? 'SecureString' : 'String' });
    config(`${BASE}templates:\n  - format: dotenv\n    destination: out/app.env\n  - format: json\n    destination: out/all.json\n`);
    const result = await render();
    expect(result.code, result.stderr).toBe(0);
    const env = parseDotenv(readFileSync(dir.path('out/app.env')));
    expect(Object.keys(env)).toHaveLength(n);
    expect(env['APP_K0000']).toBe(`v0-${CANARY}`);
    const json = JSON.parse(readFileSync(dir.path('out/all.json'), 'utf8')) as { APP: Record<string, string> };
    expect(Object.keys(json.APP)).toHaveLength(n);
    expect(fake.calls()['GetParametersByPath']).toBe(Math.ceil(n / 10));
    expect(fake.decryptions()).toBe(Math.floor(n / 2));
    const summary = lastLog(result);
    expect(summary['msg']).toBe('render complete');
    expect(summary['parameters']).toBe(n);
    expect(summary['written']).toBe(2);
    expect(summary['calls']).toEqual({ GetParametersByPath: Math.ceil(n / 10) });
  });

  it('follows short and empty pages to the end', async () => {
    for (const name of fake.names()) fake.delete(name);
    for (let i = 0; i < 25; i++) fake.put(`${PATH}S/P${i}`, `v${i}`, { type: 'String' });
    fake.setOptions({ pageSize: 3, emptyPages: 2 });
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render();
    expect(result.code, result.stderr).toBe(0);
    expect(Object.keys(parseDotenv(readFileSync(dir.path('app.env'))))).toHaveLength(25);
    expect(fake.calls()['GetParametersByPath']).toBeGreaterThan(9);
  });

  it('renders the guide example into .env, YAML and a template, nested paths included', async () => {
    seedGuide();
    fake.put(`${PATH}MYSQL/REPLICA/HOST`, 'replica.internal', { type: 'String' });
    config(`${BASE}required: [ELASTICSEARCH/PASSWORD, MYSQL/PASSWORD]
templates:
  - format: dotenv
    destination: out/app.env
  - format: yaml
    destination: out/config.yaml
  - source: ${process.cwd()}/templates/config.yaml.hbs
    destination: out/app-config.yaml
`);
    const result = await render();
    expect(result.code, result.stderr).toBe(0);
    const env = parseDotenv(readFileSync(dir.path('out/app.env')));
    expect(env['MYSQL_PASSWORD']).toBe(`my'sql$HOME\n${CANARY}`);
    expect(env['MYSQL_REPLICA_HOST']).toBe('replica.internal');
    const yaml = parseYaml(readFileSync(dir.path('out/config.yaml'), 'utf8')) as { MYSQL: { PASSWORD: string; REPLICA: { HOST: string } } };
    expect(yaml.MYSQL.PASSWORD).toBe(`my'sql$HOME\n${CANARY}`);
    expect(yaml.MYSQL.REPLICA.HOST).toBe('replica.internal');
    const app = parseYaml(readFileSync(dir.path('out/app-config.yaml'), 'utf8')) as { elasticsearch: Record<string, string>; mysql: Record<string, string> };
    expect(app.elasticsearch).toEqual({ username: 'elastic_user', password: `es-${CANARY}` });
    expect(app.mysql).toEqual({ host: 'db.internal', user: 'metrics_user', password: `my'sql$HOME\n${CANARY}` });
    expect(statSync(dir.path('out/app.env')).mode & 0o777).toBe(0o640);
  });

  it('fetches named parameters in batches of 10, with version and label selectors and Secrets Manager references', async () => {
    seedGuide();
    fake.put('/shared/API/TOKEN', 'token-v1', { type: 'SecureString' });
    fake.put('/shared/API/TOKEN', 'token-v2', { type: 'SecureString' });
    fake.label('/shared/API/TOKEN', 1, ['previous']);
    fake.putSecret('prod/db', `{"password":"${CANARY}"}`);
    const named = Array.from({ length: 12 }, (_, i) => `  N${i}: /shared/N${i}`).join('\n');
    for (let i = 0; i < 12; i++) fake.put(`/shared/N${i}`, `n${i}`, { type: 'String' });
    config(`${BASE}parameters:
  TOKEN_V1: /shared/API/TOKEN:1
  TOKEN_PREV: /shared/API/TOKEN:previous
  TOKEN: /shared/API/TOKEN
  DB/CREDS: /aws/reference/secretsmanager/prod/db
${named}
templates:
  - source: t.json
    destination: out.json
`);
    dir.write(
      't.json',
      '{"v1": {{TOKEN_V1}}, "prev": {{TOKEN_PREV}}, "now": {{TOKEN}}, "db": {{#with (fromJson DB.CREDS)}}{{password}}{{/with}}, "n11": {{N11}} }\n',
    );
    const result = await render();
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(dir.path('out.json'), 'utf8'))).toEqual({ v1: 'token-v1', prev: 'token-v1', now: 'token-v2', db: CANARY, n11: 'n11' });
    expect(fake.calls()['GetParameters']).toBe(2);
  });

  it('lists every name Parameter Store reports invalid, exit 3', async () => {
    seedGuide();
    config(`${BASE}parameters:\n  A: /nope/A\n  B: /nope/B:7\ntemplates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render();
    expect(result.code).toBe(3);
    expect(lastLog(result)['msg']).toMatch(/Parameter not found: .*\/nope\/A.*\/nope\/B:7|Parameter not found: .*\/nope\/B:7.*\/nope\/A/);
    expect(existsSync(dir.path('app.env'))).toBe(false);
  });

  it('leaves unchanged files alone on a second render', async () => {
    seedGuide();
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    expect((await render()).code).toBe(0);
    const before = statSync(dir.path('app.env'));
    const again = await render();
    const after = statSync(dir.path('app.env'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(lastLog(again)).toMatchObject({ written: 0, unchanged: 1 });
  });

  it('a failing second template leaves the first destination untouched', async () => {
    seedGuide();
    config(`${BASE}templates:\n  - format: dotenv\n    destination: first.env\n  - source: bad.yaml.hbs\n    destination: second.yaml\n`);
    dir.write('bad.yaml.hbs', 'ok: {{MYSQL.USER}}\nmissing: {{MYSQL.NOPE}}\n');
    writeFileSync(dir.path('first.env'), 'OLD=1\n');
    const result = await render();
    expect(result.code).toBe(4);
    expect(lastLog(result)['msg']).toMatch(/Missing key `MYSQL\.NOPE` in .*bad\.yaml\.hbs line 2/);
    expect(readFileSync(dir.path('first.env'), 'utf8')).toBe('OLD=1\n');
    expect(existsSync(dir.path('second.yaml'))).toBe(false);
  });

  it('a template that cannot be compiled or read fails before any API call, every one named', async () => {
    seedGuide();
    config(
      `${BASE}templates:\n  - format: dotenv\n    destination: app.env\n  - source: open.hbs\n    destination: a.sh\n  - source: partial.hbs\n    destination: b.sh\n`,
    );
    dir.write('open.hbs', 'ok\n{{#if MYSQL.USER}}never closed\n');
    // Handlebars' parser takes this; its compiler refuses it.
    dir.write('partial.hbs', '{{> other MYSQL HOST}}\n');
    const result = await render();
    expect(result.code).toBe(4);
    expect(lastLog(result)['msg']).toMatch(
      /Template .*open\.hbs cannot be compiled: Parse error on line 3.*; Template .*partial\.hbs cannot be compiled: Unsupported number of partial arguments: 2/,
    );
    expect(fake.calls()).toEqual({});
    expect(readdirSync(dir.dir).sort()).toEqual(['open.hbs', 'partial.hbs', 'ssm-render.yaml']);

    dir.write('open.hbs', '{{MYSQL.USER}}\n');
    config(`${BASE}templates:\n  - source: open.hbs\n    destination: a.sh\n  - source: gone.hbs\n    destination: b.sh\n`);
    const unreadable = await render();
    expect(unreadable.code).toBe(2);
    expect(lastLog(unreadable)['msg']).toMatch(/Cannot read template `.*gone\.hbs` \(ENOENT\)/);
    expect(fake.calls()).toEqual({});
  });

  it('refuses a value the format cannot hold, naming the key and the format, exit 4', async () => {
    for (const name of fake.names()) fake.delete(name);
    fake.put(`${PATH}K`, `both ' and "\n${CANARY}`, { type: 'SecureString' });
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render();
    expect(result.code).toBe(4);
    expect(lastLog(result)['msg']).toMatch(/The value of `K` cannot be written as dotenv \(dialect portable\)/);
    expect(lastLog(result)['hint']).toMatch(/dialect/);
  });

  it('dry run prints what would change and writes nothing', async () => {
    seedGuide();
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render(['--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`would write ${dir.path('app.env')}\n`);
    expect(readdirSync(dir.dir)).toEqual(['ssm-render.yaml']);
  });

  it('an empty path is an error unless allow_empty', async () => {
    for (const name of fake.names()) fake.delete(name);
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render();
    expect(result.code).toBe(3);
    expect(lastLog(result)['msg']).toMatch(/nothing under \/ELASMETRICS\/STAGING\/ \(ENV=STAGING from env \(config file/);
    config(`${BASE}allow_empty: true\ntemplates:\n  - format: dotenv\n    destination: app.env\n`);
    expect((await render()).code).toBe(0);
    expect(readFileSync(dir.path('app.env'), 'utf8')).toBe('');
  });
});

describe('the guide errors, each with its exit code and hint', () => {
  beforeEach(() => {
    seedGuide();
    config(`${BASE}required: [ELASTICSEARCH/PASSWORD, MYSQL/PASSWORD, MYSQL/MISSING]\ntemplates:\n  - format: dotenv\n    destination: app.env\n`);
  });

  it('AWS credentials not found', async () => {
    const result = await render([], awsEnv({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }));
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ msg: 'AWS credentials not found', code: 'CREDENTIALS' });
    expect(lastLog(result)['hint']).toMatch(/LOCAL_DEV_MODE=true/);
  });

  it('Parameter not found names the full name, the path and where ENV came from', async () => {
    const result = await render([], awsEnv({ ENV: 'STAGING' }));
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'PARAMETER_NOT_FOUND' });
    expect(lastLog(result)['msg']).toBe('Parameter not found: /ELASMETRICS/STAGING/MYSQL/MISSING (required)');
    expect(lastLog(result)['hint']).toMatch(/ENV=STAGING from ENV \(environment\)/);
    expect(existsSync(dir.path('app.env'))).toBe(false);
  });

  it('several missing `required` keys are one error naming every one of them, from Parameter Store and in local dev mode', async () => {
    config(`${BASE}required: [MYSQL/MISSING, ELASTICSEARCH/PASSWORD, ELASTICSEARCH/GONE]\ntemplates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render();
    expect(result.code).toBe(3);
    expect(result.logs.filter((l) => l['code'] === 'PARAMETER_NOT_FOUND')).toHaveLength(1);
    expect(lastLog(result)['msg']).toBe('Parameter not found: /ELASMETRICS/STAGING/MYSQL/MISSING, /ELASMETRICS/STAGING/ELASTICSEARCH/GONE (required)');
    const local = await render([], isolatedEnv({ LOCAL_DEV_MODE: 'true', ELASTICSEARCH_PASSWORD: `es-${CANARY}` }));
    expect(local.code).toBe(3);
    expect(lastLog(local)['msg']).toBe('Parameter not found in local dev mode: MYSQL/MISSING (set MYSQL_MISSING), ELASTICSEARCH/GONE (set ELASTICSEARCH_GONE)');
    expect(existsSync(dir.path('app.env'))).toBe(false);
  });

  it('Access Denied names the action and the resource and points to iam-policy', async () => {
    fake.inject({ operation: 'GetParametersByPath', kind: 'access-denied' });
    const result = await render();
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'ACCESS_DENIED', msg: 'Access denied: ssm:GetParametersByPath on /ELASMETRICS/STAGING/' });
    expect(lastLog(result)['hint']).toMatch(/arn:aws:ssm:eu-west-1:\*:parameter\/ELASMETRICS\/STAGING for this role.*iam-policy/);
  });

  it('a KMS denial on one parameter leaves every existing file untouched', async () => {
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n  - format: yaml\n    destination: app.yaml\n`);
    expect((await render()).code).toBe(0);
    const before = [statSync(dir.path('app.env')), statSync(dir.path('app.yaml'))].map((s) => [s.ino, s.mtimeMs]);
    fake.put(`${PATH}MYSQL/PASSWORD`, `rotated-${CANARY}`, { type: 'SecureString' });
    fake.inject({ name: `${PATH}MYSQL/PASSWORD`, kind: 'kms-denied' });
    const result = await render();
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'KMS_ACCESS_DENIED' });
    expect(lastLog(result)['msg']).toMatch(/KMS refused to decrypt a SecureString in \/ELASMETRICS\/STAGING\/ \(key arn:aws:kms:/);
    expect(lastLog(result)['hint']).toMatch(/kms:Decrypt.*kms:ViaService = ssm\.eu-west-1\.amazonaws\.com/);
    const after = [statSync(dir.path('app.env')), statSync(dir.path('app.yaml'))].map((s) => [s.ino, s.mtimeMs]);
    expect(after).toEqual(before);
  });

  it('throttling that recovers within the SDK retries renders normally', async () => {
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    fake.inject({ operation: 'GetParametersByPath', kind: 'throttle', times: 2 });
    const result = await render();
    expect(result.code, result.stderr).toBe(0);
    expect(fake.calls()['GetParametersByPath']).toBe(3);
  });

  it('honours the SDK variables: AWS_ENDPOINT_URL_SSM over AWS_ENDPOINT_URL, and AWS_RETRY_MODE=adaptive', async () => {
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    fake.inject({ operation: 'GetParametersByPath', kind: 'throttle', times: 1 });
    const result = await render([], awsEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ENDPOINT_URL_SSM: fake.url, AWS_RETRY_MODE: 'adaptive' }));
    expect(result.code, result.stderr).toBe(0);
    expect(fake.calls()['GetParametersByPath']).toBe(2);
  });

  it('throttling after every retry is exit 3 with the rate-limit hint', async () => {
    fake.inject({ operation: 'GetParametersByPath', kind: 'throttle' });
    const result = await render([], awsEnv({ AWS_MAX_ATTEMPTS: '2' }));
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'THROTTLED', msg: 'Parameter Store throttled GetParametersByPath after 2 attempts' });
    expect(lastLog(result)['hint']).toMatch(/AWS_RETRY_MODE=adaptive/);
  });

  it('credentials AWS rejects are a credentials error', async () => {
    fake.inject({ kind: 'unrecognized-client' });
    const result = await render();
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'CREDENTIALS' });
  });

  it('an unreachable endpoint is exit 3 and names the cause', async () => {
    const result = await render([], awsEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' }));
    expect(result.code).toBe(3);
    expect(lastLog(result)['msg']).toMatch(/Cannot reach Parameter Store for GetParametersByPath \(ECONNREFUSED\)/);
  });

  it('a Parameter Store that hangs is cut off by request_timeout: the render ends, exit 3', async () => {
    config(`${BASE}request_timeout: 1s\ntemplates:\n  - format: dotenv\n    destination: app.env\n`);
    fake.inject({ kind: 'latency', latencyMs: 5_000 });
    const started = performance.now();
    const result = await render([], awsEnv({ AWS_MAX_ATTEMPTS: '1' }));
    expect(result.code).toBe(3);
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(lastLog(result)['msg']).toMatch(/Cannot reach Parameter Store for GetParametersByPath \((ETIMEDOUT|TimeoutError)\)/);
  });

  it('a missing region is exit 2 and says which variable sets it', async () => {
    const result = await render([], awsEnv({ AWS_REGION: undefined }));
    expect(result.code).toBe(2);
    expect(lastLog(result)).toMatchObject({ msg: 'No AWS region is set' });
    expect(lastLog(result)['hint']).toMatch(/AWS_REGION/);
  });
});

describe('local dev mode and the shipped example', () => {
  it('renders the example from the guide local names with no AWS at all', async () => {
    const example = `${process.cwd()}/examples/elasmetrics`;
    const out = scratch();
    const result = await runCli(['render', '--config', `${example}/ssm-render.yaml`], {
      cwd: example,
      env: isolatedEnv({ LOCAL_DEV_MODE: 'true', ES_PASSWORD: `es-${CANARY}`, MYSQL_PASSWORD: `my-${CANARY}`, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' }),
    });
    out.cleanup();
    expectNoLeak(result);
    expect(result.code, result.stderr).toBe(0);
    const env = parseDotenv(readFileSync(`${example}/out/app.env`));
    expect(env).toMatchObject({
      ELASTICSEARCH_PASSWORD: `es-${CANARY}`,
      MYSQL_PASSWORD: `my-${CANARY}`,
      MYSQL_HOST: 'localhost',
      ELASTICSEARCH_USERNAME: 'elastic_user',
    });
    expect(lastLog(result)).toMatchObject({ local: true, calls: {} });
  });

  it('says which local variable is missing', async () => {
    config(`required: [MYSQL/PASSWORD]\naliases: { MYSQL/PASSWORD: DB_PASS }\ntemplates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render([], isolatedEnv({ LOCAL_DEV_MODE: 'true' }));
    expect(result.code).toBe(3);
    expect(lastLog(result)['msg']).toBe('Parameter not found in local dev mode: MYSQL/PASSWORD (set MYSQL_PASSWORD or DB_PASS)');
  });
});

describe('runtime', () => {
  it('logs pretty lines when asked, with no value in them', async () => {
    seedGuide();
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    const result = await render(['--log-format', 'pretty']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/INFO: render complete\n\s+path: "\/ELASMETRICS\/STAGING\/"/);
  });

  it('runs the same bundle on Node 22', async () => {
    seedGuide();
    config(`${BASE}templates:\n  - format: dotenv\n    destination: app.env\n`);
    const env = awsEnv({ npm_config_cache: process.env['npm_config_cache'] ?? join(homedir(), '.npm') });
    const result = await runCli(['render'], { cwd: dir.dir, env, node: ['npx', '-y', 'node@22'], timeoutMs: 120_000 });
    expectNoLeak(result);
    expect(result.code, result.stderr).toBe(0);
    expect(parseDotenv(readFileSync(dir.path('app.env')))['MYSQL_USER']).toBe('metrics_user');
  }, 180_000);
});
