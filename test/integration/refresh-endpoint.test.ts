import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { msg, startCli, type LiveCli } from '../support/cli-process';
import type { FakeSsm } from '../support/fake-ssm';
import { BUNDLE, isolatedEnv, runCli } from '../support/run-cli';
import { awsEnv, CANARY, guideHooks, PATH, type Scratch } from '../support/toolkit';

// `POST /refresh` on the built CLI's health port: a real `watch` process, real HTTP, the real SDK
// against the fake Parameter Store, real token files and modes.

const TOKEN = 'CANARY-token-9e1d47c2b8a35f60';
const CONFIG = 'watch: { interval: 1h, jitter: 0 }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n';

let fake: FakeSsm;
let dir: Scratch;
let running: LiveCli[] = [];
guideHooks((f, d) => {
  fake = f;
  dir = d;
  dir.write('ssm-render.yaml', CONFIG);
});
afterEach(async () => {
  for (const cli of running) {
    cli.kill('SIGKILL');
    await cli.exited;
    expect(cli.output()).not.toContain(CANARY);
  }
  running = [];
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: Record<string, unknown>;
}

function call(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        const json = String(res.headers['content-type']).startsWith('application/json');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: json ? (JSON.parse(text) as Record<string, unknown>) : {} });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Everything an answer carries, to look for leaks in. */
const whole = (answer: Answer) => `${answer.text} ${JSON.stringify(answer.headers)}`;

async function watch(args: string[] = []): Promise<{ cli: LiveCli; port: number }> {
  const cli = startCli(['watch', '--listen', '127.0.0.1:0', ...args], { cwd: dir.dir, env: awsEnv(fake, { SSM_RENDER_LOG_LEVEL: 'debug' }) });
  running.push(cli);
  await cli.waitForLog(msg('first render complete, watching'), 30_000);
  const address = String((await cli.waitForLog(msg('health endpoints listening')))['address']);
  return { cli, port: Number(address.split(':').pop()) };
}

const password = () => parseDotenv(readFileSync(dir.path('out/app.env')))['MYSQL_PASSWORD'];
const requested = (cli: LiveCli) => cli.logs.filter(msg('render requested')).length;

describe('POST /refresh on a loopback port', () => {
  it('re-fetches from Parameter Store at once, re-renders, and answers with the files changed; then unchanged', async () => {
    const { cli, port } = await watch();
    const callsBefore = fake.calls()['GetParametersByPath'] ?? 0;
    fake.put(`${PATH}MYSQL/PASSWORD`, `rotated-${CANARY}`, { type: 'SecureString' });

    const changed = await call(port, 'POST', '/refresh');
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ status: 'changed', files: [dir.path('out/app.env')], id: 1 });
    expect(password()).toBe(`rotated-${CANARY}`);
    expect(fake.calls()['GetParametersByPath']).toBeGreaterThan(callsBefore);
    expect(whole(changed)).not.toContain(CANARY);

    const unchanged = await call(port, 'POST', '/refresh');
    expect([unchanged.status, unchanged.body]).toEqual([200, { status: 'unchanged', id: 2 }]);
    expect(requested(cli)).toBe(2);
    const metrics = (await call(port, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/ssm_render_refresh_requests_total\{result="changed"\} 1\b/);
    expect(metrics).toMatch(/ssm_render_refresh_requests_total\{result="unchanged"\} 1\b/);
    expect(metrics).not.toContain(CANARY);
  });

  it('a burst of concurrent requests is at most two refreshes, every request answered with an outcome', async () => {
    const { cli, port } = await watch();
    // Each refresh takes a while, so the burst lands on a running refresh and on the one after it.
    fake.inject({ kind: 'latency', operation: 'GetParametersByPath', latencyMs: 300 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => call(port, 'POST', '/refresh')));
    expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
    const ids = new Set(answers.map((a) => a.body['id']));
    expect(ids.size).toBeLessThanOrEqual(2);
    expect(requested(cli)).toBe(ids.size);
  });

  it('a failed refresh answers 502 with its code, keeps the files, and the next request succeeds', async () => {
    const { port } = await watch();
    const before = readFileSync(dir.path('out/app.env'), 'utf8');
    fake.inject({ kind: 'access-denied', operation: 'GetParametersByPath', times: 1 });
    const failed = await call(port, 'POST', '/refresh');
    expect(failed.status).toBe(502);
    expect(failed.body).toMatchObject({ status: 'failed', code: 'ACCESS_DENIED', retryable: false });
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toBe(before);
    // The next one waits out the spacing after the failed one, then runs.
    expect((await call(port, 'POST', '/refresh')).body).toMatchObject({ status: 'unchanged' });
  });

  it('SIGTERM during a requested refresh answers it 503 `stopped`, and the process still exits 0', async () => {
    const { cli, port } = await watch();
    fake.inject({ kind: 'latency', operation: 'GetParametersByPath', latencyMs: 10_000 });
    const answer = call(port, 'POST', '/refresh');
    await cli.waitForLog(msg('render requested'));
    cli.kill('SIGTERM');
    expect((await answer).body).toEqual({ status: 'stopped', id: 1 });
    expect((await answer).status).toBe(503);
    expect((await cli.exited).code).toBe(0);
  });

  it('refuses a body (413, connection closed, no refresh) and any method but POST (405)', async () => {
    const { cli, port } = await watch();
    const big = await call(port, 'POST', '/refresh', { 'content-type': 'application/json' }, 'x'.repeat(64 * 1024));
    expect([big.status, big.headers['connection']]).toEqual([413, 'close']);
    expect((await call(port, 'GET', '/refresh')).status).toBe(405);
    expect((await call(port, 'PUT', '/refresh')).status).toBe(405);
    expect(requested(cli)).toBe(0);
    expect((await call(port, 'GET', '/healthz')).status).toBe(200);
  });
});

describe('POST /refresh from hostile clients', () => {
  it('headers that never finish are cut off (408) and start no refresh', async () => {
    const { cli, port } = await watch();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('error', () => undefined);
    const started = performance.now();
    socket.write('POST /refresh HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n');
    await new Promise((resolve) => socket.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(performance.now() - started).toBeLessThan(9_000); // the promised 5 s, with room for a loaded machine
    expect(requested(cli)).toBe(0);
  });
});

describe('POST /refresh in exec', () => {
  it('refreshes the files of a wrapped child', async () => {
    const cli = startCli(
      ['exec', '--listen', '127.0.0.1:0', '--', process.execPath, '-e', "process.on('SIGHUP', () => undefined); setTimeout(() => undefined, 60000)"],
      {
        cwd: dir.dir,
        env: awsEnv(fake),
      },
    );
    running.push(cli);
    const address = String((await cli.waitForLog(msg('health endpoints listening'), 30_000))['address']);
    const port = Number(address.split(':').pop());
    for (let i = 0; i < 300 && (await call(port, 'GET', '/readyz')).status !== 200; i++) await new Promise((r) => setTimeout(r, 50));
    fake.put(`${PATH}MYSQL/PASSWORD`, `exec-rotated-${CANARY}`, { type: 'SecureString' });
    const answer = await call(port, 'POST', '/refresh');
    expect(answer.body).toEqual({ status: 'changed', files: [dir.path('out/app.env')], id: 1 });
    expect(password()).toBe(`exec-rotated-${CANARY}`);
  });
});

describe('POST /refresh with --refresh-token-file', () => {
  function tokenFile(mode: number, content = `${TOKEN}\n`): string {
    const file = dir.write('refresh.token', content);
    chmodSync(file, mode);
    return file;
  }

  it('401 without the token or with a wrong one, never echoing either; the token refreshes', async () => {
    tokenFile(0o600);
    const { cli, port } = await watch(['--refresh-token-file', 'refresh.token']);
    const missing = await call(port, 'POST', '/refresh');
    const wrong = await call(port, 'POST', '/refresh', { authorization: `Bearer CANARY-guess-${TOKEN.slice(0, 12)}` });
    for (const answer of [missing, wrong]) {
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(whole(answer)).not.toContain('CANARY');
    }
    expect(requested(cli)).toBe(0);
    const right = await call(port, 'POST', '/refresh', { authorization: `Bearer ${TOKEN}` });
    expect([right.status, right.body['status']]).toEqual([200, 'unchanged']);
    expect((await call(port, 'GET', '/metrics')).text).toMatch(/ssm_render_refresh_requests_total\{result="unauthorized"\} 2\b/);
    expect(cli.output()).not.toContain('CANARY');
  });

  it('a token file others can read stops the start with exit 2, naming the file and its mode, not its content', async () => {
    const file = tokenFile(0o644);
    const result = await runCli(['watch', '--listen', '127.0.0.1:0', '--refresh-token-file', file], { cwd: dir.dir, env: awsEnv(fake) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${file} (--refresh-token-file) is open to other users (mode 0644)`);
    expect(result.stderr).toContain('chmod 600');
    expect(`${result.stdout}${result.stderr}`).not.toContain('CANARY');
    expect(fake.calls()['GetParametersByPath'] ?? 0).toBe(0);
  });

  it('a missing token file, or one without --listen, is exit 2 before any Parameter Store call', async () => {
    const missing = await runCli(['watch', '--listen', '127.0.0.1:0', '--refresh-token-file', 'absent.token'], { cwd: dir.dir, env: awsEnv(fake) });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot read the refresh token file .*absent\.token \(--refresh-token-file\) \(ENOENT\)/);
    tokenFile(0o600);
    const noListen = await runCli(['watch', '--refresh-token-file', 'refresh.token'], { cwd: dir.dir, env: awsEnv(fake) });
    expect(noListen.code).toBe(2);
    expect(noListen.stderr).toContain('`--refresh-token-file` is for POST /refresh on the health server');
    expect(fake.calls()['GetParametersByPath'] ?? 0).toBe(0);
  });
});

const bwrap = spawnSync('bwrap', ['--unshare-net', '--dev-bind', '/', '/', 'true']).status === 0;

describe('POST /refresh on a port other machines can reach', () => {
  // `--listen 0.0.0.0:PORT` inside a network namespace of its own (bubblewrap), which holds only a
  // loopback interface: the address is every interface, yet nothing outside the namespace reaches it.
  it.runIf(bwrap)('without a token, answers 403 and says so at start; the other endpoints still answer', () => {
    const client = `
      const get = (method, path) => fetch('http://127.0.0.1:9090' + path, { method }).then(async (r) => [r.status, await r.text()]);
      (async () => {
        for (let i = 0; i < 300; i++) {
          try { const ready = await get('GET', '/readyz'); if (ready[0] === 200) break; } catch {}
          await new Promise((r) => setTimeout(r, 50));
        }
        console.log(JSON.stringify({ refresh: await get('POST', '/refresh'), healthz: await get('GET', '/healthz') }));
      })();`;
    const script = `"$NODE" "$BUNDLE" watch --local --listen 0.0.0.0:9090 2>"$LOG" & pid=$!; "$NODE" -e "$CLIENT"; kill $pid; wait $pid`;
    const log = dir.path('watch.log');
    const result = spawnSync('bwrap', ['--unshare-net', '--die-with-parent', '--dev-bind', '/', '/', 'sh', '-c', script], {
      cwd: dir.dir,
      env: isolatedEnv({ NODE: process.execPath, BUNDLE, LOG: log, CLIENT: client, LOCAL_DEV_MODE: 'true', MYSQL_PASSWORD: `local-${CANARY}`, ENV: 'STAGING' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    const logs = readFileSync(log, 'utf8');
    const seen = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as { refresh: [number, string]; healthz: [number, string] };
    expect(seen.refresh[0]).toBe(403);
    expect(seen.refresh[1]).toMatch(/0\.0\.0\.0:9090.*--refresh-token-file/);
    expect(seen.healthz[0]).toBe(200);
    expect(logs).toContain('"refresh":"locked"');
    expect(logs).toContain('POST /refresh answers 403');
    expect(logs).not.toContain('render requested');
    expect(`${logs}${result.stdout}${result.stderr}`).not.toContain(CANARY);
  });
});
