import { spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, msg, startCli, type LiveCli } from '../support/cli-process';
import { accepts, listeningPorts } from '../support/listening';
import { awsEnv, CANARY, guideHooks, type Scratch } from '../support/toolkit';
import { node22Path } from '../support/run-cli';
import type { FakeSsm } from '../support/fake-ssm';

// SIGUSR1 opens Node's inspector on 127.0.0.1:9229 (code execution for whoever can connect) unless
// something keeps it closed: the bundle's own SIGUSR1 listener on every Node, and the image's
// --disable-sigusr1 on Node 22. Each run below is the built CLI as a real process.
const INSPECTOR = 9229;
let fake: FakeSsm;
let dir: Scratch;
let node22: string;
let running: LiveCli[] = [];
guideHooks((f, d) => {
  fake = f;
  dir = d;
});
beforeAll(() => {
  node22 = node22Path();
}, 180_000);
afterEach(async () => {
  for (const cli of running) {
    cli.kill('SIGKILL');
    await cli.exited;
  }
  running = [];
});

const settle = () => new Promise((r) => setTimeout(r, 1_000));

async function watchGetsSigusr1(node: readonly string[]): Promise<void> {
  dir.write('ssm-render.yaml', 'watch: { interval: 1h }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n');
  const cli = startCli(['watch', '--listen', '127.0.0.1:0'], { cwd: dir.dir, env: awsEnv(fake), node });
  running.push(cli);
  await cli.waitForLog(msg('first render complete, watching'), 60_000);
  const pid = cli.child.pid as number;
  const before = listeningPorts(pid);
  expect(before).toHaveLength(1); // the health port, so the probe does see this process's sockets
  cli.kill('SIGUSR1');
  await settle();
  expect(listeningPorts(pid)).toEqual(before);
  expect(await accepts(INSPECTOR)).toBe(false);
  expect(cli.output()).not.toMatch(/Debugger listening/);
  expect(cli.child.exitCode).toBeNull();
  cli.kill('SIGTERM');
  expect((await cli.exited).code).toBe(0);
  expect(cli.output()).not.toContain(CANARY);
}

describe('SIGUSR1', () => {
  it('opens the inspector in a Node process that does nothing against it (the probe works)', async () => {
    const plain = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      plain.kill('SIGUSR1');
      await eventually(() => (listeningPorts(plain.pid as number).includes(INSPECTOR) ? true : undefined), 5_000, 'the inspector to open');
    } finally {
      plain.kill('SIGKILL');
    }
    await eventually(() => (plain.exitCode !== null || plain.signalCode !== null ? true : undefined), 5_000, 'the plain node to end');
  });

  it("opens no port in `watch` on Node 20 (the bundle's listener), and it keeps running, then stops with 0", async () => {
    await watchGetsSigusr1([process.execPath]);
  }, 60_000);

  it("opens no port on Node 22, with the bundle's listener alone and with the image's --disable-sigusr1", async () => {
    await watchGetsSigusr1([node22]);
    await watchGetsSigusr1([node22, '--disable-sigusr1']);
  }, 120_000);
});
