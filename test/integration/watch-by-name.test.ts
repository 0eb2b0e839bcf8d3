import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { msg, startCli, type LiveCli } from '../support/cli-process';
import { isolatedEnv } from '../support/run-cli';
import { scratch } from '../support/tmp';

// watch.discovery_interval: between listings, the known names are checked by name. Each refresh
// here is triggered by SIGHUP (the interval is an hour), so the fake's counts are one refresh's.
const CANARY = 'CANARY-by-name-8c1f4';
const PATH = '/APP/PROD/';
const N = 26; // 3 calls a refresh, by name or by listing
let fake: FakeSsm;
let dir: ReturnType<typeof scratch>;
let running: LiveCli[] = [];

beforeAll(async () => {
  fake = await startFakeSsm();
});
afterAll(() => fake.close());
beforeEach(() => {
  dir = scratch();
  for (const name of fake.names()) fake.delete(name);
  fake.clearFaults();
  fake.resetCounters();
  for (let i = 0; i < N - 1; i++) fake.put(`${PATH}K${String(i).padStart(2, '0')}`, `value-${i}-${CANARY}`, { type: i % 2 ? 'SecureString' : 'String' });
  fake.put(`${PATH}DB/PASSWORD`, `pw-1-${CANARY}`, { type: 'SecureString' });
});
afterEach(async () => {
  for (const cli of running) {
    cli.kill('SIGKILL');
    await cli.exited;
    expect(cli.output()).not.toContain(CANARY);
  }
  running = [];
  dir.cleanup();
});

function watch(watchConfig: string): LiveCli {
  dir.write(
    'ssm-render.yaml',
    `prefix: /APP\nenv: PROD\nrequired: [DB/PASSWORD]\nwatch: { interval: 1h, jitter: 0${watchConfig} }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n`,
  );
  const env = isolatedEnv({
    AWS_ACCESS_KEY_ID: 'AKID',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: fake.url,
    AWS_MAX_ATTEMPTS: '2',
    SSM_RENDER_LOG_LEVEL: 'debug',
  });
  const cli = startCli(['watch'], { cwd: dir.dir, env });
  running.push(cli);
  return cli;
}

const isRefresh = msg(/^refresh/);
const file = () => parseDotenv(readFileSync(dir.path('out/app.env')));

/** One refresh, now (SIGHUP): what the fake saw of it, and how it ended. */
async function refresh(cli: LiveCli): Promise<{ calls: Record<string, number>; decryptions: number; outcome: string }> {
  const before = cli.logs.filter(isRefresh).length;
  fake.resetCounters();
  cli.kill('SIGHUP');
  const line = await cli.waitForLog((l) => isRefresh(l) && cli.logs.filter(isRefresh).indexOf(l) === before, 10_000);
  return { calls: fake.calls(), decryptions: fake.decryptions(), outcome: String(line['msg']) };
}

describe('watch: version checks by name, a listing every discovery_interval', () => {
  it('a no-change refresh costs ceil(N/10) GetParameters and no decryption; every third lists the path instead', async () => {
    const cli = watch(', discovery_interval: 3');
    await cli.waitForLog(msg('first render complete, watching'));
    const seen = [];
    for (let i = 0; i < 6; i++) seen.push(await refresh(cli));
    const byName = { calls: { GetParameters: 3 }, decryptions: 0, outcome: 'refresh: nothing changed' };
    const listing = { calls: { GetParametersByPath: 3 }, decryptions: 0, outcome: 'refresh: nothing changed' };
    expect(seen).toEqual([byName, byName, listing, byName, byName, listing]);
  });

  it('the default is a listing every 10 refreshes', async () => {
    const cli = watch('');
    await cli.waitForLog(msg('first render complete, watching'));
    const seen = [];
    for (let i = 0; i < 10; i++) seen.push((await refresh(cli)).calls);
    expect(seen).toEqual([...Array.from({ length: 9 }, () => ({ GetParameters: 3 })), { GetParametersByPath: 3 }]);
  });

  it('a rotated SecureString is found by name, decrypted alone, and rendered', async () => {
    const cli = watch(', discovery_interval: 5');
    await cli.waitForLog(msg('first render complete, watching'));
    fake.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
    expect(await refresh(cli)).toEqual({ calls: { GetParameters: 4 }, decryptions: 1, outcome: 'refresh: files changed' });
    expect(file()['DB_PASSWORD']).toBe(`pw-2-${CANARY}`);
  });

  it('an added name arrives at the next discovery; a name deleted between discoveries (InvalidParameters) is a change, listed and rendered at once', async () => {
    const cli = watch(', discovery_interval: 3');
    await cli.waitForLog(msg('first render complete, watching'));

    fake.put(`${PATH}NEW/ONE`, 'fresh', { type: 'String' });
    expect((await refresh(cli)).calls).toEqual({ GetParameters: 3 });
    expect((await refresh(cli)).calls).toEqual({ GetParameters: 3 });
    expect(file()['NEW_ONE']).toBeUndefined();
    expect(await refresh(cli)).toEqual({ calls: { GetParametersByPath: 3 }, decryptions: 0, outcome: 'refresh: files changed' });
    expect(file()['NEW_ONE']).toBe('fresh');

    fake.delete(`${PATH}K03`);
    expect(await refresh(cli)).toEqual({ calls: { GetParameters: 3, GetParametersByPath: 3 }, decryptions: 0, outcome: 'refresh: files changed' });
    expect(file()['K03']).toBeUndefined();
    expect(Object.keys(file())).toHaveLength(N);
    // The listing restarted the count: two checks by name, then the next listing.
    expect((await refresh(cli)).calls).toEqual({ GetParameters: 3 });
    expect((await refresh(cli)).calls).toEqual({ GetParameters: 3 });
    expect((await refresh(cli)).calls).toEqual({ GetParametersByPath: 3 });
  });

  it('a required parameter deleted between discoveries fails the refresh as a vanished parameter, keeping the file', async () => {
    const cli = watch(', discovery_interval: 10');
    await cli.waitForLog(msg('first render complete, watching'));
    const before = readFileSync(dir.path('out/app.env'), 'utf8');
    fake.delete(`${PATH}DB/PASSWORD`);
    const { outcome } = await refresh(cli);
    expect(outcome).toMatch(/^refresh failed, keeping the last good files/);
    expect(cli.logs.find(msg(/^refresh failed/))?.['code']).toBe('PARAMETER_NOT_FOUND');
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toBe(before);
  });
});
