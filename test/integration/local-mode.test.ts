import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { isolatedEnv, runCli, type CliResult } from '../support/run-cli';
import { CANARY, fakeHooks, lastLog, type Scratch } from '../support/toolkit';

// Local dev mode is a source like Parameter Store: `render` and `get` read the same values through
// it, so every key a template uses resolves as `get` resolves it, and nothing reaches AWS.

let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  // A value that must never be read: local dev mode makes no call.
  fake.put('/ELASMETRICS/STAGING/MYSQL/HOST', `store-${CANARY}`, { type: 'SecureString' });
});

/** Local dev mode with the fake as endpoint (and credentials): a call would reach it, and be counted. */
const localEnv = (extra: Record<string, string | undefined> = {}) =>
  isolatedEnv({
    LOCAL_DEV_MODE: 'true',
    AWS_ACCESS_KEY_ID: 'AKIDLOCAL',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: fake.url,
    PARAMETER_STORE_PREFIX: '/ELASMETRICS',
    ENV: 'STAGING',
    ...extra,
  });

const cli = (args: string[], env: Record<string, string>): Promise<CliResult> => runCli(args, { cwd: dir.dir, env });

function expectNoStoreValue(result: CliResult): void {
  expect(result.stdout).not.toContain(`store-${CANARY}`);
  expect(result.stderr).not.toContain(`store-${CANARY}`);
}

describe('local dev mode: every key a template references resolves as `get` resolves it', () => {
  it('{{MYSQL.HOST}} with MYSQL_HOST set renders it (it used to fail with "Missing key MYSQL.HOST")', async () => {
    dir.write('app.env.hbs', 'MYSQL_HOST={{MYSQL.HOST}}\n');
    dir.write('ssm-render.yaml', 'templates:\n  - source: app.env.hbs\n    destination: out/app.env\n');
    const env = localEnv({ MYSQL_HOST: 'localhost' });
    const rendered = await cli(['render'], env);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toBe("MYSQL_HOST='localhost'\n");
    const got = await cli(['get', 'MYSQL/HOST'], env);
    expect(got.stdout).toBe('localhost\n');
    for (const r of [rendered, got]) expectNoStoreValue(r);
    expect(fake.calls()).toEqual({});
  });

  it('every form of reference, and the precedence environment > YAML > JSON > defaults.values, agree with get', async () => {
    dir.write('defaults.yaml', 'A: {B: yaml}\nYAML: {ONLY: yaml}\nHOSTS: [h1]\n');
    dir.write('defaults.json', '{"A": {"B": "json"}, "YAML": {"ONLY": "json"}, "JSON": {"ONLY": "json"}}');
    dir.write(
      'all.txt.hbs',
      [
        'tree={{{MYSQL.HOST}}}',
        'params={{{lookup params "MYSQL/PASSWORD"}}}',
        'bracket={{{params.[ES/USER]}}}',
        'env={{{env.DB_URL}}}',
        'with={{#with REDIS}}{{{PORT}}}{{/with}}',
        'root={{#each (lookup lists "HOSTS")}}{{{@root.APP.NAME}}}{{/each}}',
        'a={{{A.B}}} yaml={{{YAML.ONLY}}} json={{{JSON.ONLY}}} values={{{VALUES.ONLY}}}',
        '',
      ].join('\n'),
    );
    dir.write(
      'ssm-render.yaml',
      [
        'defaults:',
        '  files: [defaults.yaml, defaults.json]',
        '  values: { A: { B: values }, VALUES: { ONLY: values } }',
        'templates:',
        '  - source: all.txt.hbs',
        '    destination: out/all.txt',
        '    escape: none',
        '',
      ].join('\n'),
    );
    const env = localEnv({
      MYSQL_HOST: 'db.local',
      MYSQL_PASSWORD: `pw-${CANARY}`,
      ES_USER: 'elastic',
      DB_URL: 'postgres://local',
      REDIS_PORT: '6379',
      APP_NAME: 'metrics',
      A_B: 'environment',
    });
    const rendered = await cli(['render'], env);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(rendered.stderr).not.toContain(CANARY);
    expect(readFileSync(dir.path('out/all.txt'), 'utf8')).toBe(
      [
        'tree=db.local',
        `params=pw-${CANARY}`,
        'bracket=elastic',
        'env=postgres://local',
        'with=6379',
        'root=metrics',
        'a=environment yaml=yaml json=json values=values',
        '',
      ].join('\n'),
    );
    const expected: Record<string, string> = {
      'MYSQL/HOST': 'db.local',
      'MYSQL/PASSWORD': `pw-${CANARY}`,
      'ES/USER': 'elastic',
      DB_URL: 'postgres://local',
      'REDIS/PORT': '6379',
      'APP/NAME': 'metrics',
      'A/B': 'environment',
      'YAML/ONLY': 'yaml',
      'JSON/ONLY': 'json',
      'VALUES/ONLY': 'values',
    };
    for (const [key, value] of Object.entries(expected)) {
      const got = await cli(['get', key], env);
      expect(got.stdout, key).toBe(`${value}\n`);
      expect(got.stderr).not.toContain(CANARY);
    }
    expect(fake.calls()).toEqual({});
  });

  it('a key neither set nor defaulted still fails, in render and in get, naming the variable to set', async () => {
    dir.write('app.env.hbs', 'MYSQL_HOST={{MYSQL.HOST}}\n');
    dir.write('ssm-render.yaml', 'templates:\n  - source: app.env.hbs\n    destination: out/app.env\n');
    const rendered = await cli(['render'], localEnv());
    expect(rendered.code).toBe(4);
    expect(lastLog(rendered)).toMatchObject({ code: 'MISSING_KEY' });
    expect(String(lastLog(rendered)['msg'])).toMatch(/^Missing key `MYSQL.HOST`/);
    const got = await cli(['get', 'MYSQL/HOST'], localEnv());
    expect(got.code).toBe(3);
    expect(lastLog(got)['msg']).toBe('Parameter not found in local dev mode: MYSQL/HOST (set MYSQL_HOST)');
    for (const r of [rendered, got]) expectNoStoreValue(r);
    expect(fake.calls()).toEqual({});
  });

  it('needs no prefix or env: a key is read from its variable, in render and in get', async () => {
    dir.write('app.env.hbs', 'HOST={{MYSQL.HOST}}\n');
    dir.write('ssm-render.yaml', 'templates:\n  - source: app.env.hbs\n    destination: out/app.env\n');
    const env = localEnv({ MYSQL_HOST: 'localhost', PARAMETER_STORE_PREFIX: undefined, ENV: undefined });
    const rendered = await cli(['render'], env);
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toBe("HOST='localhost'\n");
    const got = await cli(['get', 'MYSQL/HOST'], env);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe('localhost\n');
    expect(fake.calls()).toEqual({});
  });
});
