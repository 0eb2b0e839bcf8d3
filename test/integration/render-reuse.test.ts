import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { isolatedEnv, runCli, type CliResult } from '../support/run-cli';
import { scratch } from '../support/tmp';

// `render --reuse-within D`: a transient failure of Parameter Store keeps files this config rendered
// within D (exit 0, a warning); anything else, or any doubt, fails as before.
const CANARY = 'CANARY-reuse-3b9e7';
const PATH = '/APP/PROD/';
let fake: FakeSsm;
let dir: ReturnType<typeof scratch>;

beforeAll(async () => {
  fake = await startFakeSsm();
});
afterAll(() => fake.close());
beforeEach(() => {
  dir = scratch();
  for (const name of fake.names()) fake.delete(name);
  fake.clearFaults();
  fake.resetCounters();
  fake.put(`${PATH}DB/PASSWORD`, `pw-${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}DB/USER`, 'app', { type: 'String' });
  dir.write(
    'ssm-render.yaml',
    'prefix: /APP\nenv: PROD\nrequired: [DB/PASSWORD]\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n  - format: yaml\n    destination: out/app.yaml\n',
  );
});
afterEach(() => dir.cleanup());

async function render(args: string[], store: FakeSsm = fake): Promise<CliResult> {
  const env = isolatedEnv({
    AWS_ACCESS_KEY_ID: 'AKID',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: store.url,
    AWS_MAX_ATTEMPTS: '2',
  });
  const result = await runCli(['render', ...args], { cwd: dir.dir, env });
  expect(result.stdout + result.stderr).not.toContain(CANARY);
  return result;
}

const FILES = ['out/app.env', 'out/app.yaml'];
const files = () => FILES.map((f) => ({ text: readFileSync(dir.path(f), 'utf8'), ino: statSync(dir.path(f)).ino, mtimeMs: statSync(dir.path(f)).mtimeMs }));
const last = (r: CliResult) => r.logs.at(-1) ?? {};

describe('render --reuse-within', () => {
  it('records each render beside each file (time, destination, the file and an identity of the config: no value, no hash of one), 0600, atomically', async () => {
    const result = await render(['--reuse-within', '15m']);
    expect(result.code, result.stderr).toBe(0);
    for (const f of FILES) {
      const path = dir.path(f.replace(/[^/]+$/, (n) => `.${n}.ssm-render-state`));
      const text = readFileSync(path, 'utf8');
      expect(text).not.toContain(CANARY);
      expect(text).not.toContain('pw-');
      const record = JSON.parse(text) as Record<string, unknown>;
      expect(Object.keys(record).sort()).toEqual(['config', 'destination', 'ino', 'mtimeMs', 'renderedAt', 'v']);
      expect(record['destination']).toBe(dir.path(f));
      expect(record['ino']).toBe(statSync(dir.path(f)).ino);
      expect(Date.now() - Date.parse(String(record['renderedAt']))).toBeLessThan(60_000);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(dir.path('out')).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // Without the flag, nothing is recorded.
    rmSync(dir.path('out'), { recursive: true });
    expect((await render([])).code).toBe(0);
    expect(readdirSync(dir.path('out')).sort()).toEqual(['app.env', 'app.yaml']);
  });

  const TRANSIENT: Array<{ name: string; code: string; inject: () => void }> = [
    { name: 'HTTP 503', code: 'SERVICE_UNAVAILABLE', inject: () => fake.inject({ kind: 'unavailable' }) },
    { name: 'throttling after the retries', code: 'THROTTLED', inject: () => fake.inject({ kind: 'throttle' }) },
    { name: 'an HTML page from a proxy (503)', code: 'SERVICE_UNAVAILABLE', inject: () => fake.inject({ kind: 'html' }) },
  ];
  for (const fault of TRANSIENT) {
    it(`${fault.name} with a fresh render: exit 0, the files kept as they were, a warning naming the failure and the age`, async () => {
      expect((await render(['--reuse-within', '15m'])).code).toBe(0);
      const before = files();
      fault.inject();
      const result = await render(['--reuse-within', '15m']);
      expect(result.code, result.stderr).toBe(0);
      expect(files()).toEqual(before);
      expect(last(result)).toMatchObject({ level: 'warn', code: fault.code, reuseWithinMs: 900_000 });
      expect(String(last(result)['msg'])).toMatch(/; keeping the files rendered \d+s ago \(--reuse-within\)$/);
      // The same failure without the flag is still exit 3.
      expect((await render([])).code).toBe(3);
    });
  }

  it('a Parameter Store that refuses connections: exit 0 with a fresh render', async () => {
    const own = await startFakeSsm();
    own.put(`${PATH}DB/PASSWORD`, `pw-${CANARY}`, { type: 'SecureString' });
    expect((await render(['--reuse-within', '15m'], own)).code).toBe(0);
    const before = files();
    await own.close();
    const result = await render(['--reuse-within', '15m'], own);
    expect(result.code, result.stderr).toBe(0);
    expect(last(result)).toMatchObject({ level: 'warn', code: 'SERVICE_UNAVAILABLE' });
    expect(String(last(result)['msg'])).toMatch(/^Cannot reach Parameter Store for GetParametersByPath \(ECONNREFUSED\); keeping the files/);
    expect(files()).toEqual(before);
  });

  it('a render older than the window: exit 3, saying why the files were not kept', async () => {
    expect((await render(['--reuse-within', '1s'])).code).toBe(0);
    await new Promise((r) => setTimeout(r, 1_500));
    fake.inject({ kind: 'unavailable' });
    const result = await render(['--reuse-within', '1s']);
    expect(result.code).toBe(3);
    expect(result.logs.find((l) => String(l['msg']).startsWith('--reuse-within: not keeping the files'))?.['reason']).toMatch(
      /out\/app\.env was rendered \d+s ago, longer ago than --reuse-within/,
    );
    expect(last(result)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', exitCode: 3 });
  });

  it('no record (the last render had no --reuse-within): exit 3', async () => {
    expect((await render([])).code).toBe(0);
    fake.inject({ kind: 'unavailable' });
    const result = await render(['--reuse-within', '15m']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/no record of a render \(ENOENT/);
  });

  it('a destination missing, or edited since: exit 3', async () => {
    expect((await render(['--reuse-within', '15m'])).code).toBe(0);
    fake.inject({ kind: 'unavailable' });
    rmSync(dir.path('out/app.yaml'));
    const missing = await render(['--reuse-within', '15m']);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/out\/app\.yaml is missing/);

    fake.clearFaults();
    expect((await render(['--reuse-within', '15m'])).code).toBe(0);
    fake.inject({ kind: 'unavailable' });
    writeFileSync(dir.path('out/app.env'), 'EDITED=1\n');
    const edited = await render(['--reuse-within', '15m']);
    expect(edited.code).toBe(3);
    expect(edited.stderr).toMatch(/out\/app\.env was replaced or edited since ssm-render wrote it/);
  });

  it('a changed config (another destination set): exit 3', async () => {
    expect((await render(['--reuse-within', '15m'])).code).toBe(0);
    dir.write('ssm-render.yaml', 'prefix: /APP\nenv: PROD\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n');
    fake.inject({ kind: 'unavailable' });
    const result = await render(['--reuse-within', '15m']);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/rendered with another config/);
  });

  it('never on access denied, a missing parameter, or a render error, however fresh the files', async () => {
    expect((await render(['--reuse-within', '15m'])).code).toBe(0);
    fake.inject({ kind: 'access-denied' });
    const denied = await render(['--reuse-within', '15m']);
    expect([denied.code, last(denied)['code']]).toEqual([3, 'ACCESS_DENIED']);

    fake.clearFaults();
    fake.delete(`${PATH}DB/PASSWORD`);
    const notFound = await render(['--reuse-within', '15m']);
    expect([notFound.code, last(notFound)['code']]).toEqual([3, 'PARAMETER_NOT_FOUND']);

    fake.put(`${PATH}DB/PASSWORD`, `pw-${CANARY}`, { type: 'SecureString' });
    dir.write('bad.env.hbs', 'X={{lookup}}\n');
    dir.write('ssm-render.yaml', 'prefix: /APP\nenv: PROD\ntemplates:\n  - source: bad.env.hbs\n    destination: out/app.env\n');
    const renderError = await render(['--reuse-within', '15m']);
    expect(renderError.code).toBe(4);
    for (const r of [denied, notFound, renderError]) expect(r.stderr).not.toMatch(/keeping the files/);
  });

  it('is a usage error with --dry-run, or with a value that is not a positive duration', async () => {
    expect((await render(['--reuse-within', '15m', '--dry-run'])).code).toBe(2);
    const bad = await render(['--reuse-within', 'soon']);
    expect(bad.code).toBe(2);
    expect(String(last(bad)['msg'])).toBe('Expected `--reuse-within` to be a duration such as `30s` or `5m`, got `soon`');
    expect(existsSync(dir.path('out'))).toBe(false);
  });
});
