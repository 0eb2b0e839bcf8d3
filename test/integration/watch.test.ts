import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { eventually, msg, startCli, type LiveCli } from '../support/cli-process';
import { isolatedEnv } from '../support/run-cli';
import { scratch } from '../support/tmp';

const CANARY = 'CANARY-watch-5d2e1';
const PATH = '/APP/PROD/';
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
  for (let i = 0; i < 25; i++) fake.put(`${PATH}K${String(i).padStart(2, '0')}`, `value-${i}-${CANARY}`, { type: i % 2 ? 'SecureString' : 'String' });
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

function env(extra: Record<string, string | undefined> = {}) {
  return isolatedEnv({
    AWS_ACCESS_KEY_ID: 'AKID',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: fake.url,
    AWS_MAX_ATTEMPTS: '2',
    SSM_RENDER_LOG_LEVEL: 'debug',
    ...extra,
  });
}

function watch(config: string, args: string[] = [], extraEnv: Record<string, string | undefined> = {}): LiveCli {
  dir.write('ssm-render.yaml', `prefix: /APP\nenv: PROD\nrequired: [DB/PASSWORD]\n${config}`);
  const cli = startCli(['watch', '--listen', '127.0.0.1:0', ...args], { cwd: dir.dir, env: env(extraEnv) });
  running.push(cli);
  return cli;
}

const TEMPLATES = `templates:\n  - format: dotenv\n    destination: out/app.env\n  - format: yaml\n    destination: out/app.yaml\n`;
const snapshot = () => ['out/app.env', 'out/app.yaml'].map((f) => readFileSync(dir.path(f), 'utf8'));
const password = () => parseDotenv(readFileSync(dir.path('out/app.env')))['DB_PASSWORD'];

async function address(cli: LiveCli): Promise<string> {
  return String((await cli.waitForLog(msg('health endpoints listening')))['address']);
}

async function metric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`http://${base}/metrics`)).text();
  expect(text).not.toContain(CANARY);
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

describe('watch', () => {
  it('a rotated value reaches the file within one interval, the reload command runs exactly once, and an unchanged refresh costs ceil(N/10) calls, no decryption and no write', async () => {
    const cli = watch(
      `watch: { interval: 1s, jitter: 0 }\non_change:\n  command: ["sh", "-c", "echo \\"$SSM_RENDER_CHANGED\\" >> ${dir.path('reloads.txt')}"]\n${TEMPLATES}`,
    );
    await cli.waitForLog(msg('first render complete, watching'));
    expect(password()).toBe(`pw-1-${CANARY}`);
    const before = statSync(dir.path('out/app.env'));

    fake.resetCounters();
    const unchanged = cli.logs.filter(msg('refresh: nothing changed')).length;
    await eventually(() => (cli.logs.filter(msg('refresh: nothing changed')).length >= unchanged + 3 ? true : undefined), 10_000, 'three unchanged refreshes');
    const cycles = cli.logs.filter(msg('refresh: nothing changed')).length - unchanged;
    const calls = fake.calls();
    // By name or, every watch.discovery_interval refreshes, by listing: 26 parameters, 3 calls per cycle either way.
    const perCycle = (calls['GetParameters'] ?? 0) + (calls['GetParametersByPath'] ?? 0);
    expect(fake.decryptions()).toBe(0);
    expect(perCycle).toBeGreaterThanOrEqual(3 * cycles - 3);
    expect(perCycle).toBeLessThanOrEqual(3 * (cycles + 1));
    const after = statSync(dir.path('out/app.env'));
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
    expect(existsSync(dir.path('reloads.txt'))).toBe(false);

    fake.resetCounters();
    const rotatedAt = performance.now();
    fake.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
    await eventually(() => (password() === `pw-2-${CANARY}` ? true : undefined), 5_000, 'the rotated value');
    expect(performance.now() - rotatedAt).toBeLessThan(1_000 + 1_000);
    expect(fake.decryptions()).toBe(1); // only the changed SecureString
    await eventually(() => (existsSync(dir.path('reloads.txt')) ? true : undefined), 5_000, 'the reload command');
    await eventually(() => (cli.logs.filter(msg('refresh: nothing changed')).length >= unchanged + cycles + 3 ? true : undefined), 10_000, 'more refreshes');
    expect(readFileSync(dir.path('reloads.txt'), 'utf8')).toBe(`${dir.path('out/app.env')}:${dir.path('out/app.yaml')}\n`);
  });

  it('notices added and deleted parameters as changes (added ones at the next listing: discovery_interval)', async () => {
    const cli = watch(`watch: { interval: 1s, jitter: 0, discovery_interval: 2 }\n${TEMPLATES}`);
    await cli.waitForLog(msg('first render complete, watching'));
    fake.put(`${PATH}NEW/ONE`, 'fresh', { type: 'String' });
    await eventually(() => (parseDotenv(readFileSync(dir.path('out/app.env')))['NEW_ONE'] === 'fresh' ? true : undefined), 5_000, 'the added key');
    fake.delete(`${PATH}K03`);
    await eventually(() => (parseDotenv(readFileSync(dir.path('out/app.env')))['K03'] === undefined ? true : undefined), 5_000, 'the deleted key gone');
  });

  const FAULTS: Array<{ name: string; code: string; inject: () => void }> = [
    { name: 'throttling', code: 'THROTTLED', inject: () => fake.inject({ kind: 'throttle' }) },
    { name: 'a 5xx', code: 'SERVICE_UNAVAILABLE', inject: () => fake.inject({ kind: 'server-error' }) },
    { name: 'a timeout', code: 'SERVICE_UNAVAILABLE', inject: () => fake.inject({ kind: 'latency', latencyMs: 1_500 }) },
    { name: 'access denied', code: 'ACCESS_DENIED', inject: () => fake.inject({ kind: 'access-denied' }) },
    { name: 'expired credentials', code: 'CREDENTIALS', inject: () => fake.inject({ kind: 'expired-token' }) },
    { name: 'a KMS denial', code: 'KMS_ACCESS_DENIED', inject: () => fake.inject({ name: `${PATH}DB/PASSWORD`, kind: 'kms-denied' }) },
    { name: 'a required parameter vanishing', code: 'PARAMETER_NOT_FOUND', inject: () => fake.delete(`${PATH}DB/PASSWORD`) },
  ];

  it('survives every fault for several cycles: files byte-identical, process up, counted in /metrics, recovered on the next good cycle', async () => {
    const cli = watch(`request_timeout: 1s\nwatch: { interval: 1s, jitter: 0 }\n${TEMPLATES}`);
    const base = await address(cli);
    await cli.waitForLog(msg('first render complete, watching'));
    let version = 1;
    for (const fault of FAULTS) {
      const before = snapshot();
      const failed = await metric(base, 'ssm_render_refreshes_total{result="failed"}');
      const coded = await metric(base, `ssm_render_errors_total{code="${fault.code}"}`);
      fault.inject();
      // A change waiting behind the fault: a KMS denial only bites when a changed SecureString is decrypted.
      if (fault.code !== 'PARAMETER_NOT_FOUND') fake.put(`${PATH}DB/PASSWORD`, `under-fault-${version}-${CANARY}`, { type: 'SecureString' });
      await eventually(
        async () => ((await metric(base, `ssm_render_errors_total{code="${fault.code}"}`)) >= coded + 3 ? true : undefined),
        20_000,
        `three ${fault.name} failures`,
      );
      expect(snapshot(), fault.name).toEqual(before);
      expect(await metric(base, 'ssm_render_refreshes_total{result="failed"}')).toBeGreaterThanOrEqual(failed + 3);
      expect((await fetch(`http://${base}/healthz`)).status).toBe(200);
      expect(cli.child.exitCode).toBeNull();
      fake.clearFaults();
      version += 1;
      fake.put(`${PATH}DB/PASSWORD`, `pw-${version}-${CANARY}`, { type: 'SecureString' });
      // Every file, not only app.env: a commit renames its files one after another.
      await eventually(() => (snapshot().every((text) => text.includes(`pw-${version}-${CANARY}`)) ? true : undefined), 10_000, `recovery after ${fault.name}`);
    }
    expect(await metric(base, 'ssm_render_throttles_total')).toBeGreaterThan(0);
    const warnings = cli.logs.filter(msg(/^refresh failed, keeping the last good files/));
    expect(new Set(warnings.map((w) => w['code']))).toEqual(new Set(FAULTS.map((f) => f.code)));
    expect(warnings.every((w) => typeof w['hint'] === 'string')).toBe(true);
  }, 180_000);

  it("rides out throttling within a refresh: unless AWS_MAX_ATTEMPTS says, a call gets 8 attempts, not the SDK's 3", async () => {
    const cli = watch(`watch: { interval: 1s, jitter: 0 }\n${TEMPLATES}`, [], { AWS_MAX_ATTEMPTS: undefined });
    const base = await address(cli);
    await cli.waitForLog(msg('first render complete, watching'));
    fake.inject({ kind: 'throttle', times: 3 });
    fake.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
    await eventually(() => (password() === `pw-2-${CANARY}` ? true : undefined), 15_000, 'the rotated value, after three throttled attempts');
    expect(await metric(base, 'ssm_render_throttles_total')).toBe(3);
    expect(await metric(base, 'ssm_render_errors_total{code="THROTTLED"}')).toBe(0);
    expect(cli.logs.filter(msg('refresh failed, keeping the last good files'))).toEqual([]);
  });

  it('serves readiness: ready after the first render, not ready when older than max_stale, ready again on recovery; the ready file follows', async () => {
    const cli = watch(`watch: { interval: 1s, jitter: 0, max_stale: 2s }\n${TEMPLATES}`, ['--ready-file', dir.path('ready')]);
    const base = await address(cli);
    await cli.waitForLog(msg('first render complete, watching'));
    expect((await fetch(`http://${base}/readyz`)).status).toBe(200);
    expect(existsSync(dir.path('ready'))).toBe(true);
    fake.inject({ kind: 'server-error' });
    await eventually(async () => ((await fetch(`http://${base}/readyz`)).status === 503 ? true : undefined), 10_000, 'not ready');
    const body = (await (await fetch(`http://${base}/readyz`)).json()) as Record<string, unknown>;
    expect(body['reason']).toMatch(/older than max_stale/);
    await eventually(() => (existsSync(dir.path('ready')) ? undefined : true), 5_000, 'the ready file removed');
    expect((await fetch(`http://${base}/healthz`)).status).toBe(200);
    fake.clearFaults();
    await eventually(async () => ((await fetch(`http://${base}/readyz`)).status === 200 ? true : undefined), 10_000, 'ready again');
    await eventually(() => (existsSync(dir.path('ready')) ? true : undefined), 5_000, 'the ready file back');
    expect((await fetch(`http://${base}/nope`)).status).toBe(404);
    cli.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expect(existsSync(dir.path('ready'))).toBe(false);
  });

  it('SIGHUP renders now; bursts of SIGHUP collapse', async () => {
    const cli = watch(`watch: { interval: 1h }\n${TEMPLATES}`);
    await cli.waitForLog(msg('first render complete, watching'));
    fake.put(`${PATH}DB/PASSWORD`, `pw-hup-${CANARY}`, { type: 'SecureString' });
    fake.resetCounters();
    for (let i = 0; i < 5; i++) cli.kill('SIGHUP');
    await eventually(() => (password() === `pw-hup-${CANARY}` ? true : undefined), 5_000, 'the SIGHUP render');
    await new Promise((r) => setTimeout(r, 500));
    // At most two refreshes of 3 calls (by name or listing), and one decryption call for the changed value.
    expect((fake.calls()['GetParametersByPath'] ?? 0) + (fake.calls()['GetParameters'] ?? 0)).toBeLessThanOrEqual(2 * 3 + 1);
  });

  it('notifies by signal to a pid file and by touch, and survives a command that hangs', async () => {
    const app = startApp();
    const cli = watch(
      `watch: { interval: 1s, jitter: 0 }\non_change:\n  command: ["sleep", "30"]\n  timeout: 1s\n  signal: SIGHUP\n  pid_file: ${dir.path('app.pid')}\n  touch: ${dir.path('changed')}\n${TEMPLATES}`,
    );
    await eventually(() => (existsSync(dir.path('app.pid')) ? true : undefined), 5_000, 'the app pid file');
    await cli.waitForLog(msg('first render complete, watching'));
    fake.put(`${PATH}DB/PASSWORD`, `pw-sig-${CANARY}`, { type: 'SecureString' });
    await cli.waitForLog(msg('on_change command timed out and was killed'), 10_000);
    await cli.waitForLog(msg('on_change signal sent'), 5_000);
    await eventually(() => (readFileSync(dir.path('hups'), 'utf8').length === 1 ? true : undefined), 5_000, 'one SIGHUP in the app');
    // The touch comes after the signal: wait for it rather than race it.
    await eventually(() => (existsSync(dir.path('changed')) ? true : undefined), 5_000, 'the touched file');
    fake.put(`${PATH}DB/PASSWORD`, `pw-sig2-${CANARY}`, { type: 'SecureString' });
    await eventually(() => (readFileSync(dir.path('hups'), 'utf8').length === 2 ? true : undefined), 15_000, 'a second SIGHUP after another change');
    app.kill('SIGKILL');
  }, 60_000);

  function startApp() {
    writeFileSync(dir.path('hups'), '');
    const script = `require('fs').writeFileSync(${JSON.stringify(dir.path('app.pid'))}, String(process.pid)); process.on('SIGHUP', () => require('fs').appendFileSync(${JSON.stringify(dir.path('hups'))}, 'H')); setInterval(() => {}, 1000);`;
    const child = startCli([], { cwd: dir.dir, env: env(), node: [process.execPath, '-e', script, '--'] }).child;
    return child;
  }
});

describe('watch start-up', () => {
  it('waits for a Parameter Store that is not up yet, within --wait', async () => {
    const port = await freePort();
    const cli = watch(TEMPLATES, ['--wait', '20s'], { AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
    await cli.waitForLog(msg(/^Parameter Store not usable yet, retrying/));
    const late = await startFakeSsm({ port });
    late.put(`${PATH}DB/PASSWORD`, `pw-late-${CANARY}`, { type: 'SecureString' });
    try {
      await cli.waitForLog(msg('first render complete, watching'), 20_000);
      expect(password()).toBe(`pw-late-${CANARY}`);
    } finally {
      cli.kill('SIGTERM');
      await cli.exited;
      await late.close();
    }
  });

  it('gives up after --wait with the one-shot exit code', async () => {
    const cli = watch(TEMPLATES, ['--wait', '2s'], { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    const exit = await cli.exited;
    expect(exit.code).toBe(3);
    expect(cli.logs.at(-1)).toMatchObject({ msg: 'AWS credentials not found', code: 'CREDENTIALS' });
    expect(cli.logs.filter(msg(/not usable yet/)).length).toBeGreaterThan(0);
  });

  // Start-up of the built CLI, then the exit after --wait: a loaded machine may add a few seconds.
  const MARGIN_MS = 6_000;

  /** The exit, or (if it takes longer than `ms`) a kill and `code: null`, so a slow exit fails on the assertion, not on a timeout. */
  async function exitWithin(cli: LiveCli, ms: number) {
    const timer = setTimeout(() => cli.kill('SIGKILL'), ms);
    const exit = await cli.exited;
    clearTimeout(timer);
    return exit;
  }

  it('--wait is a bound under permanent throttling: exit 3 soon after it, naming the throttling', async () => {
    fake.inject({ kind: 'throttle' });
    const started = performance.now();
    // AWS_MAX_ATTEMPTS unset: 8 attempts a call, whose SDK backoff alone outlasts --wait.
    const cli = watch(TEMPLATES, ['--wait', '5s'], { AWS_MAX_ATTEMPTS: undefined });
    const exit = await exitWithin(cli, 5_000 + 20_000);
    expect(exit.atMs - started).toBeLessThan(5_000 + MARGIN_MS);
    expect(exit.code).toBe(3);
    expect(cli.logs.at(-2)).toMatchObject({ msg: 'Parameter Store not usable within --wait (5s), giving up' });
    expect(cli.logs.at(-1)).toMatchObject({ code: 'THROTTLED', exitCode: 3 });
    expect(cli.logs.at(-1)?.['msg']).toMatch(/^Parameter Store throttled GetParametersByPath after \d+ attempts$/);
    expect(existsSync(dir.path('out/app.env'))).toBe(false);
  }, 60_000);

  it('--wait is a bound when Parameter Store answers too slowly: the call in flight is abandoned, exit 3', async () => {
    fake.inject({ kind: 'latency', latencyMs: 60_000 });
    const started = performance.now();
    const cli = watch(TEMPLATES, ['--wait', '3s'], { AWS_MAX_ATTEMPTS: undefined });
    const exit = await exitWithin(cli, 3_000 + 20_000);
    expect(exit.atMs - started).toBeLessThan(3_000 + MARGIN_MS);
    expect(exit.code).toBe(3);
    expect(cli.logs.at(-1)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      exitCode: 3,
      msg: 'Cannot reach Parameter Store for GetParametersByPath (TimeoutError)',
    });
    expect(existsSync(dir.path('out/app.env'))).toBe(false);
  }, 60_000);

  it('fails at once on a config or render error, without waiting', async () => {
    dir.write('bad.hbs', '{{NOPE}}');
    const cli = watch('templates:\n  - source: bad.hbs\n    destination: out/x.env\n', ['--wait', '60s']);
    const exit = await cli.exited;
    expect(exit.code).toBe(4);
  });
});

describe('stopping', () => {
  it('SIGTERM during a slow commit leaves each destination old or new, never partial, and no temp file; exit 0 promptly (the stop deadline is 900 ms)', async () => {
    // Ten 8 MiB destinations: a commit long enough to be interrupted.
    const filler = 'x'.repeat(8 << 20);
    dir.write('big.env.hbs', `PW={{DB.PASSWORD}}\n# ${filler}\n`);
    const templates = Array.from({ length: 10 }, (_, i) => `  - source: big.env.hbs\n    destination: out/big${i}.env`).join('\n');
    const expected = (pw: string) => `PW='${pw}'\n# ${filler}\n`;
    for (const [trial, delayMs] of [0, 40, 80, 150, 250].entries()) {
      fake.put(`${PATH}DB/PASSWORD`, `old-${trial}`, { type: 'SecureString' });
      const cli = watch(`watch: { interval: 1h }\ntemplates:\n${templates}\n`);
      await cli.waitForLog(msg('first render complete, watching'), 30_000);
      fake.put(`${PATH}DB/PASSWORD`, `new-${trial}`, { type: 'SecureString' });
      cli.kill('SIGHUP');
      await new Promise((r) => setTimeout(r, delayMs));
      const sentAt = performance.now();
      cli.kill('SIGTERM');
      const exit = await cli.exited;
      expect(exit.code, cli.output().slice(-2000)).toBe(0);
      // The product gives a stop 900 ms (STOP_DEADLINE_MS); the rest is margin for a loaded machine.
      expect(exit.atMs - sentAt).toBeLessThan(2_500);
      const contents = Array.from({ length: 10 }, (_, i) => readFileSync(dir.path(`out/big${i}.env`), 'utf8'));
      for (const c of contents) expect([expected(`old-${trial}`), expected(`new-${trial}`)]).toContain(c);
      expect(readdirSync(dir.path('out')).filter((n) => n.includes('.tmp'))).toEqual([]);
    }
  }, 120_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
