import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { msg, startCli, type LiveCli } from '../support/cli-process';
import type { FakeSsm } from '../support/fake-ssm';
import { node22Path, runCli } from '../support/run-cli';
import { awsEnv, CANARY, guideHooks, type Scratch } from '../support/toolkit';

// `watch` lives for weeks: on a node that can replace a process in place (22.15 and later), it
// starts again under V8's lite mode, same pid; a one-shot render keeps node as it was started.
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

const CONFIG = 'watch: { interval: 1h }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n';
const cmdline = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
const nonJsonLines = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('{'));

async function startWatch(node: readonly string[]): Promise<LiveCli> {
  dir.write('ssm-render.yaml', CONFIG);
  const cli = startCli(['watch'], { cwd: dir.dir, env: awsEnv(fake), node });
  running.push(cli);
  await cli.waitForLog(msg('first render complete, watching'), 60_000);
  return cli;
}

describe("watch's node", () => {
  it('on Node 22 is the same process started again in lite mode: same pid, every line JSON, SIGHUP and SIGTERM as before', async () => {
    const cli = await startWatch([node22, '--max-semi-space-size=1']);
    const pid = cli.child.pid as number;
    const [node, ...rest] = cmdline(pid);
    expect(node).toBe(node22);
    expect(rest.slice(0, 4)).toEqual(['--lite-mode', '--no-expose-wasm', '--max-semi-space-size=1', expect.stringMatching(/ssm-render\.js$/)]);
    expect(rest.slice(4)).toEqual(['watch']);
    expect(cli.logs.filter((l) => l['msg'] === 'first render complete, watching').map((l) => l['pid'])).toEqual([pid]);
    fake.put('/ELASMETRICS/STAGING/MYSQL/USER', 'rotated_user', { type: 'String' });
    cli.kill('SIGHUP');
    await cli.waitForLog((l) => typeof l['msg'] === 'string' && l['msg'].startsWith('refresh') && l['written'] === 1, 30_000);
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toContain("MYSQL_USER='rotated_user'");
    cli.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    expect(nonJsonLines(cli.output())).toEqual([]);
    expect(cli.output()).not.toContain(CANARY);
  });

  it('is left as started when node was given lite mode either way, and on Node 20', async () => {
    for (const node of [[node22, '--no-lite-mode'], [process.execPath]]) {
      const cli = await startWatch(node);
      expect(cmdline(cli.child.pid as number).slice(0, node.length)).toEqual(node);
      expect(cmdline(cli.child.pid as number)).not.toContain('--lite-mode');
      cli.kill('SIGTERM');
      expect((await cli.exited).code).toBe(0);
    }
  });

  it('render is not relaunched: one process, the node flags it was given', async () => {
    dir.write('ssm-render.yaml', CONFIG);
    const r = await runCli(['render'], {
      cwd: dir.dir,
      env: awsEnv(fake, { NODE_DEBUG: 'ssm-render-code-cache', NODE_COMPILE_CACHE: dir.path('cache') }),
      node: [node22],
    });
    expect(r.code, r.stderr).toBe(0);
    // The code cache is keyed by node's flags: a relaunch would have asked for a second one.
    expect(r.stderr.match(/no usable cache at/g)).toHaveLength(1);
  });
});
