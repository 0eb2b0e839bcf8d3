import { existsSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { eventually, msg, startCli, type LiveCli } from '../support/cli-process';
import { isolatedEnv } from '../support/run-cli';
import { scratch } from '../support/tmp';

const CANARY = 'CANARY-exec-9a7b';
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
  fake.put(`${PATH}DB/PASSWORD`, `pw-1-${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}DB/USER`, 'app', { type: 'String' });
});
afterEach(async () => {
  for (const cli of running) {
    cli.kill('SIGKILL');
    await cli.exited;
    expect(cli.output()).not.toContain(CANARY);
  }
  running = [];
  // A SIGKILLed ssm-render cannot stop its child: end the apps the test started.
  for (const line of starts()) {
    try {
      process.kill(Number(line.split(' ')[1]), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  dir.cleanup();
});

/**
 * The app: records every signal it gets (one line each) and, at start, whether its environment
 * holds DB_PASSWORD (its length only, never the value, since our output is checked for the canary).
 */
function appScript(opts: { onTerm?: 'exit' | 'ignore'; exitCode?: number } = {}): string[] {
  const log = JSON.stringify(dir.path('signals.log'));
  const starts = JSON.stringify(dir.path('starts.log'));
  const term = opts.onTerm === 'ignore' ? '' : `process.exit(${opts.exitCode ?? 0});`;
  const script = `
    const fs = require('fs');
    fs.appendFileSync(${starts}, (process.env.DB_PASSWORD || '').length + ' ' + process.pid + '\\n');
    for (const s of ['SIGHUP', 'SIGUSR1', 'SIGUSR2', 'SIGINT', 'SIGQUIT', 'SIGTERM']) process.on(s, () => {
      fs.appendFileSync(${log}, s + '\\n');
      if (s === 'SIGTERM') { ${term} }
    });
    setInterval(() => {}, 1000);`;
  return [process.execPath, '-e', script];
}

function exec(args: string[], command: string[], config = ''): LiveCli {
  dir.write('ssm-render.yaml', `prefix: /APP\nenv: PROD\nwatch: { interval: 1s, jitter: 0 }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n${config}`);
  const env = isolatedEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: fake.url });
  const cli = startCli(['exec', ...args, '--', ...command], { cwd: dir.dir, env });
  running.push(cli);
  return cli;
}

const signals = () => (existsSync(dir.path('signals.log')) ? readFileSync(dir.path('signals.log'), 'utf8').trim().split('\n').filter(Boolean) : []);
const starts = () => (existsSync(dir.path('starts.log')) ? readFileSync(dir.path('starts.log'), 'utf8').trim().split('\n').filter(Boolean) : []);

describe('exec', () => {
  it('renders before starting the child, forwards signals, and exits with the child\'s code', async () => {
    const cli = exec([], appScript({ exitCode: 7 }));
    await cli.waitForLog(msg('child started'));
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toContain('DB_USER=');
    await eventually(() => (starts().length === 1 ? true : undefined), 5_000, 'the child to start');
    for (const s of ['SIGUSR1', 'SIGUSR2', 'SIGHUP', 'SIGINT'] as const) {
      cli.kill(s);
      await eventually(() => (signals().includes(s) ? true : undefined), 5_000, `${s} in the child`);
    }
    expect(cli.child.exitCode).toBeNull();
    cli.kill('SIGTERM');
    const exit = await cli.exited;
    expect(signals()).toContain('SIGTERM');
    expect(exit.code).toBe(7);
  });

  it('gives the child the parameters as environment variables with --env', async () => {
    const cli = exec(['--env'], appScript());
    await cli.waitForLog(msg('child started'));
    await eventually(() => (starts().length === 1 ? true : undefined), 5_000, 'the child to start');
    expect(starts()[0]?.split(' ')[0]).toBe(String(`pw-1-${CANARY}`.length));
  });

  it('sends the reload signal (SIGHUP by default) once per change', async () => {
    const cli = exec([], appScript());
    await cli.waitForLog(msg('child started'));
    fake.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
    await eventually(() => (signals().includes('SIGHUP') ? true : undefined), 5_000, 'SIGHUP on change');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(signals().filter((s) => s === 'SIGHUP')).toHaveLength(1);
    expect(starts()).toHaveLength(1);
  });

  it('restarts the child on change (exec.on_change: restart), with the new values in --env', async () => {
    const cli = exec(['--env'], appScript(), 'exec: { on_change: restart, kill_timeout: 2s }\n');
    await cli.waitForLog(msg('child started'));
    await eventually(() => (starts().length === 1 ? true : undefined), 5_000, 'the first child');
    fake.put(`${PATH}DB/PASSWORD`, `pw-22-${CANARY}`, { type: 'SecureString' });
    await cli.waitForLog(msg('child restarted with the new values'), 10_000);
    await eventually(() => (starts().length === 2 ? true : undefined), 5_000, 'the second child');
    expect(signals()).toEqual(['SIGTERM']);
    expect(starts()[1]?.split(' ')[0]).toBe(String(`pw-22-${CANARY}`.length));
    expect(starts()[0]?.split(' ')[1]).not.toBe(starts()[1]?.split(' ')[1]);
  });

  it('escalates SIGTERM to SIGKILL after exec.kill_timeout, and reports 128 + signal', async () => {
    const cli = exec([], appScript({ onTerm: 'ignore' }), 'exec: { kill_timeout: 1s }\n');
    await cli.waitForLog(msg('child started'));
    await eventually(() => (starts().length === 1 ? true : undefined), 5_000, 'the child');
    const sent = performance.now();
    cli.kill('SIGTERM');
    const exit = await cli.exited;
    expect(signals()).toEqual(['SIGTERM']);
    expect(exit.code).toBe(128 + 9);
    expect(exit.atMs - sent).toBeGreaterThan(900);
    expect(exit.atMs - sent).toBeLessThan(4_000);
  });

  it('stops when the child dies on its own, with its status', async () => {
    const cli = exec([], ['sh', '-c', 'sleep 0.3; kill -USR1 $$']);
    const exit = await cli.exited;
    expect(exit.code).toBe(128 + 10);
    const cli2 = exec([], ['sh', '-c', 'exit 42']);
    expect((await cli2.exited).code).toBe(42);
    const cli3 = exec([], ['/no/such/program']);
    expect((await cli3.exited).code).toBe(127);
  });

  it('never starts the child when the first render fails', async () => {
    fake.delete(`${PATH}DB/PASSWORD`);
    fake.delete(`${PATH}DB/USER`);
    const cli = exec(['--wait', '1s'], appScript());
    const exit = await cli.exited;
    expect(exit.code).toBe(3);
    expect(starts()).toEqual([]);
  });
});
