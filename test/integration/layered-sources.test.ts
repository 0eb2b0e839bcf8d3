import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, CANARY, clear, expectNoLeak, fakeHooks, type Scratch } from '../support/toolkit';

let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  clear(fake);
});

const run = (args: string[], extra: Record<string, string> = {}): Promise<CliResult> => runCli(args, { cwd: dir.dir, env: awsEnv(fake, extra) });
const rendered = (): Record<string, string> => JSON.parse(readFileSync(dir.path('out/all.json'), 'utf8')) as Record<string, string>;
const config = (sources: string[]) =>
  dir.write(
    'ssm-render.yaml',
    ['prefix: /ELASMETRICS', 'sources:', ...sources, 'templates:', '  - format: json', '    destination: out/all.json', ''].join('\n'),
  );

describe('sources: layered paths, named parameters, key prefixes', () => {
  it('merges in list order, the last source winning, above the environment; a key two sources supply is logged with both origins', async () => {
    fake.put('/ELASMETRICS/COMMON/LOG_LEVEL', 'info', { type: 'String' });
    fake.put('/ELASMETRICS/COMMON/MYSQL/HOST', 'common-db', { type: 'String' });
    fake.put('/ELASMETRICS/STAGING/MYSQL/HOST', 'staging-db', { type: 'String' });
    fake.put('/ELASMETRICS/STAGING/MYSQL/PASSWORD', `pw-${CANARY}`, { type: 'SecureString' });
    fake.put('/shared/tls/ca', 'the-ca', { type: 'String' });
    fake.put('/SECURITY/STAGING/TOKEN', `tok-${CANARY}`, { type: 'SecureString' });
    config([
      '  - path: /ELASMETRICS/COMMON/',
      '  - path: "{prefix}/{env}/"',
      '  - names: { CA_BUNDLE: /shared/tls/ca }',
      '  - path: /SECURITY/{env}/',
      '    key_prefix: SECURITY',
    ]);
    const result = await run(['render', '--log-level', 'debug'], { LOG_LEVEL: 'from-env', MYSQL_HOST: 'from-env' });
    expect(result.code, result.stderr).toBe(0);
    expect(rendered()).toEqual({
      CA_BUNDLE: 'the-ca',
      LOG_LEVEL: 'info',
      MYSQL: { HOST: 'staging-db', PASSWORD: `pw-${CANARY}` },
      SECURITY: { TOKEN: `tok-${CANARY}` },
    });
    const override = result.logs.find((l) => l['key'] === 'MYSQL/HOST');
    expect(override).toMatchObject({ level: 'debug', from: '/ELASMETRICS/STAGING/MYSQL/HOST', over: '/ELASMETRICS/COMMON/MYSQL/HOST' });
    expect(result.stderr).not.toContain('staging-db');
    expect(result.stderr).not.toContain('common-db');
    expectNoLeak(result);
  });

  it('refuses a path source that holds nothing (a wrong ENV), naming it', async () => {
    fake.put('/ELASMETRICS/COMMON/A', 'a', { type: 'String' });
    config(['  - path: /ELASMETRICS/COMMON/', '  - path: "/ELASMETRICS/{env}/"']);
    const result = await run(['render'], { ENV: 'STAGNG' });
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('sources[1] (/ELASMETRICS/STAGNG/)');
  });

  it('looks for a required key in every source and names them all when none has it', async () => {
    fake.put('/ELASMETRICS/COMMON/A', 'a', { type: 'String' });
    dir.write(
      'ssm-render.yaml',
      'prefix: /ELASMETRICS\nrequired: [MYSQL/PASSWORD]\nsources:\n  - path: /ELASMETRICS/COMMON/\ntemplates: [{ format: json, destination: out/all.json }]\n',
    );
    const result = await run(['render']);
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('MYSQL/PASSWORD (required) in none of sources[0] (/ELASMETRICS/COMMON/)');
  });
});

describe('expand_json', () => {
  it('turns a SecureString JSON object into keys, nested objects nesting them; numbers keep their text, other keys stay text', async () => {
    const db = `{"user":"app","password":"${CANARY}","port":5432,"tls":true,"replica":{"host":"r1"}}`;
    fake.put('/ELASMETRICS/STAGING/DB', db, { type: 'SecureString' });
    fake.put('/ELASMETRICS/STAGING/LOOKS_LIKE_JSON', '{"a":1}', { type: 'String' });
    config(['  - path: "/ELASMETRICS/{env}/"', '    expand_json: [DB]']);
    const result = await run(['render']);
    expect(result.code, result.stderr).toBe(0);
    expect(rendered()).toEqual({ DB: { user: 'app', password: CANARY, port: '5432', tls: 'true', replica: { host: 'r1' } }, LOOKS_LIKE_JSON: '{"a":1}' });
    expectNoLeak(result);
  });

  it('expands under the key prefix', async () => {
    fake.put('/SECURITY/STAGING/DB', '{"user":"app"}', { type: 'SecureString' });
    config(['  - path: /SECURITY/{env}/', '    key_prefix: SEC', '    expand_json: [DB]']);
    const result = await run(['render']);
    expect(result.code, result.stderr).toBe(0);
    expect(rendered()).toEqual({ SEC: { DB: { user: 'app' } } });
  });

  for (const [what, value, found] of [
    ['a list', `["${CANARY}"]`, 'its value is an array, not a JSON object'],
    ['text that is not JSON', `${CANARY}{`, 'its value is not JSON'],
    ['a list inside', `{"hosts":["${CANARY}"]}`, '`DB/hosts` is an array'],
    ['a null inside', `{"user":null,"pw":"${CANARY}"}`, '`DB/user` is null'],
    ['a bare string', `"${CANARY}"`, 'its value is a string, not a JSON object'],
  ] as const) {
    it(`refuses ${what} with exit 4, naming the key and the type, never the value`, async () => {
      fake.put('/ELASMETRICS/STAGING/DB', value, { type: 'SecureString' });
      config(['  - path: "/ELASMETRICS/{env}/"', '    expand_json: [DB]']);
      const result = await run(['render']);
      expect(result.code, result.stderr).toBe(4);
      expect(result.stderr).toContain('Key `DB` (/ELASMETRICS/STAGING/DB, sources[0] (/ELASMETRICS/STAGING/)) is in `expand_json` but');
      expect(result.stderr).toContain(found);
      expectNoLeak(result);
    });
  }
});

describe('health-check with `sources:`', () => {
  interface Report {
    exitCode: number;
    checks: Array<{ check: string; status: string; detail: string; key?: string }>;
  }
  const check = async () => {
    const result = await run(['health-check', '--json']);
    expectNoLeak(result);
    return { result, report: JSON.parse(result.stdout) as Report };
  };

  it('lists every source with its region, fallback and role, and finds each required key in some source', async () => {
    fake.put('/ELASMETRICS/COMMON/A', 'a', { type: 'String' });
    fake.put('/ELASMETRICS/STAGING/DB', `{"password":"${CANARY}"}`, { type: 'SecureString' });
    fake.put('/shared/tls/ca', 'ca', { type: 'String' });
    dir.write(
      'ssm-render.yaml',
      [
        'prefix: /ELASMETRICS',
        'required: [A, DB/password, CA, MISSING]',
        'sources:',
        '  - path: /ELASMETRICS/COMMON/',
        '  - path: "/ELASMETRICS/{env}/"',
        '    expand_json: [DB]',
        '    region: eu-central-1',
        `    endpoint_url: ${fake.url}`,
        '    fallback_region: eu-north-1',
        `    fallback_endpoint_url: ${fake.url}`,
        '  - names: { CA: /shared/tls/ca }',
        '',
      ].join('\n'),
    );
    const { result, report } = await check();
    expect(result.code).toBe(3);
    expect(report.checks.filter((c) => c.check === 'source').map((c) => [c.status, c.detail])).toEqual([
      ['ok', `sources[0]: /ELASMETRICS/COMMON/ in eu-west-1 at ${fake.url}, own credentials: reachable, 1 parameter`],
      ['ok', `sources[1]: /ELASMETRICS/STAGING/ in eu-central-1 at ${fake.url}, fallback eu-north-1 at ${fake.url}, own credentials: reachable, 1 parameter`],
      ['ok', `sources[2]: 1 named parameter in eu-west-1 at ${fake.url}, own credentials: reachable, 1 parameter`],
    ]);
    expect(report.checks.filter((c) => c.check === 'required').map((c) => [c.key, c.status])).toEqual([
      ['A', 'ok'],
      ['DB/password', 'ok'],
      ['CA', 'ok'],
      ['MISSING', 'fail'],
    ]);
  });
});

describe('local dev mode', () => {
  it('ignores `sources:` (no AWS call, no role, no region) and reads local values', async () => {
    config([
      '  - path: "{prefix}/{env}/"',
      '    key_prefix: MAIN',
      '  - path: /SECURITY/{env}/',
      '    key_prefix: SECURITY',
      '    role_arn: arn:aws:iam::111111111111:role/ssm-render-reader',
      '    region: eu-central-1',
      '    endpoint_url: http://127.0.0.1:9',
    ]);
    dir.write('defaults.yaml', 'A: from-yaml\n');
    dir.write('ssm-render.yaml', `${readFileSync(dir.path('ssm-render.yaml'), 'utf8')}defaults: { files: [defaults.yaml] }\n`);
    const result = await run(['render'], { LOCAL_DEV_MODE: 'true', A: 'from-env' });
    expect(result.code, result.stderr).toBe(0);
    expect(rendered()).toEqual({ A: 'from-env' });
    expect(fake.requests()).toEqual([]);
  });
});
