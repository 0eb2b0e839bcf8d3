import { existsSync, readFileSync, rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { eventually, msg, startCli, type LiveCli } from '../support/cli-process';
import { isolatedEnv, runCli } from '../support/run-cli';
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
  dir.write(
    'ssm-render.yaml',
    `prefix: /APP\nenv: PROD\nwatch: { interval: 1s, jitter: 0 }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n${config}`,
  );
  const env = isolatedEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: fake.url });
  const cli = startCli(['exec', ...args, '--', ...command], { cwd: dir.dir, env });
  running.push(cli);
  return cli;
}

const signals = () => (existsSync(dir.path('signals.log')) ? readFileSync(dir.path('signals.log'), 'utf8').trim().split('\n').filter(Boolean) : []);
const starts = () => (existsSync(dir.path('starts.log')) ? readFileSync(dir.path('starts.log'), 'utf8').trim().split('\n').filter(Boolean) : []);

describe('exec', () => {
  it("renders before starting the child, forwards signals, and exits with the child's code", async () => {
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
  });

  it('says why CMD cannot start: not found on PATH or no such file (127), permission denied (126); no "child started"', async () => {
    const missing = exec([], ['no-such-command-3f9']);
    expect((await missing.exited).code).toBe(127);
    expect(missing.logs.find(msg('Cannot start the child: `no-such-command-3f9` not found on PATH'))).toMatchObject({
      code: 'COMMAND_NOT_FOUND',
      exitCode: 127,
    });
    expect(missing.logs.find(msg('child started'))).toBeUndefined();
    const absent = exec([], ['/no/such/program']);
    expect((await absent.exited).code).toBe(127);
    expect(absent.logs.find(msg('Cannot start the child: `/no/such/program` does not exist'))).toBeDefined();
    const script = dir.write('not-executable.sh', '#!/bin/sh\nexit 0\n');
    const denied = exec([], [script]);
    expect((await denied.exited).code).toBe(126);
    expect(denied.logs.find(msg(`Cannot start the child \`${script}\`: permission denied`))).toMatchObject({ code: 'COMMAND_NOT_RUNNABLE', exitCode: 126 });
  });

  it('without `--` before the command, the error says to put it there; exec --help names the flag --env', async () => {
    const forgot = await runCli(['exec', 'sh', '-c', 'true'], { cwd: dir.dir });
    expect(forgot.code).toBe(2);
    expect(forgot.stderr).toContain("unknown option '-c'");
    expect(forgot.stderr).toContain('put `--` before the command and its arguments: ssm-render exec [--env] [options] -- CMD [ARGS...]');
    const help = await runCli(['exec', '--help'], { cwd: dir.dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}--env {2,}also put every parameter in the child's\s+environment/m);
    expect(help.stdout).not.toContain('--with-env');
  });

  it('a signal to us that stops the child is a clean stop: exit 0 for SIGTERM and SIGINT, also when the child reports 128 + the signal', async () => {
    for (const [signal, app] of [
      ['SIGTERM', [process.execPath, '-e', 'setInterval(() => {}, 1000)']],
      ['SIGINT', [process.execPath, '-e', 'setInterval(() => {}, 1000)']],
      ['SIGTERM', ['sh', '-c', "trap 'exit 143' TERM; while :; do sleep 0.1; done"]],
    ] as const) {
      const cli = exec([], [...app]);
      await cli.waitForLog(msg('child started'));
      await new Promise((r) => setTimeout(r, 300));
      cli.kill(signal);
      const exit = await cli.exited;
      expect(exit.code, `${signal} ${app.join(' ')}`).toBe(0);
      expect(cli.logs.find(msg('child exited'))).toMatchObject({ stoppedBy: signal, status: 0 });
    }
  });

  it("signals the child's whole process group: on SIGTERM its own children stop too, and when it exits, none is left running", async () => {
    const alive = (pid: number) => {
      try {
        return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    const grandchildren = () =>
      existsSync(dir.path('gc.pids')) ? readFileSync(dir.path('gc.pids'), 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
    const gc = dir.path('gc.pids');
    const stopped = exec([], ['sh', '-c', `sleep 300 & echo $! >> ${gc}; sleep 300 & echo $! >> ${gc}; wait`]);
    await eventually(() => (grandchildren().length === 2 ? true : undefined), 5_000, 'two grandchildren');
    expect(grandchildren().every(alive)).toBe(true);
    stopped.kill('SIGTERM');
    expect((await stopped.exited).code).toBe(0);
    expect(grandchildren().filter(alive)).toEqual([]);

    rmSync(gc);
    const left = exec([], ['sh', '-c', `sleep 300 & echo $! >> ${gc}; exit 3`]);
    expect((await left.exited).code).toBe(3);
    expect(grandchildren()).toHaveLength(1);
    expect(grandchildren().filter(alive)).toEqual([]);
  });

  it('warns as PID 1 that orphans will not be reaped, and names the inits that do', async () => {
    dir.write('ssm-render.yaml', `prefix: /APP\nenv: PROD\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n`);
    const env = isolatedEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: fake.url });
    const pid1 = ['bwrap', '--unshare-pid', '--as-pid-1', '--die-with-parent', '--dev-bind', '/', '/', '--proc', '/proc', '--chdir', dir.dir, process.execPath];
    const cli = startCli(['exec', '--', 'sh', '-c', 'exit 0'], { cwd: dir.dir, env, node: pid1 });
    running.push(cli);
    expect((await cli.exited).code).toBe(0);
    expect(cli.logs.find(msg('running as PID 1: processes orphaned by the child will not be reaped (zombies)'))?.['hint']).toMatch(/docker run --init.*tini/);
    const plain = exec([], ['sh', '-c', 'exit 0']);
    expect((await plain.exited).code).toBe(0);
    expect(plain.logs.find(msg(/PID 1/))).toBeUndefined();
  });

  it('never starts the child when Parameter Store throttles past --wait, and exits soon after it', async () => {
    fake.inject({ kind: 'throttle' });
    try {
      const started = performance.now();
      const cli = exec(['--wait', '3s'], appScript());
      const exit = await cli.exited;
      // Start-up of the built CLI and the exit: a loaded machine may add a few seconds.
      expect(exit.atMs - started).toBeLessThan(3_000 + 6_000);
      expect(exit.code).toBe(3);
      expect(cli.logs.at(-1)).toMatchObject({ code: 'THROTTLED', exitCode: 3 });
      expect(starts()).toEqual([]);
    } finally {
      fake.clearFaults();
    }
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
