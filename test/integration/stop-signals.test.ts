import { existsSync, mkdirSync, readdirSync, readFileSync, watch as watchDir } from 'node:fs';
import { constants } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { msg, startCli, type LiveCli } from '../support/cli-process';
import type { FakeSsm } from '../support/fake-ssm';
import { awsEnv, CANARY, guideHooks, type Scratch } from '../support/toolkit';

// The signals a process manager may send, to the built CLI as a real process: each stops it
// cleanly, with a defined exit code, or has a meaning of its own; none kills it on the spot.
let fake: FakeSsm;
let dir: Scratch;
let running: LiveCli[] = [];
guideHooks((f, d) => {
  fake = f;
  dir = d;
});
afterEach(async () => {
  for (const cli of running) {
    cli.kill('SIGKILL');
    await cli.exited;
    expect(cli.output()).not.toContain(CANARY);
  }
  running = [];
});

const temps = (sub: string) => readdirSync(dir.path(sub)).filter((n) => n.endsWith('.tmp'));

describe('render', () => {
  it('stopped by SIGTERM, SIGINT or SIGHUP while it writes: its temp files are removed, each file is absent or whole, exit 128 + the signal', async () => {
    // Ten 8 MiB destinations, so that the signal lands while temp files exist.
    const filler = 'x'.repeat(8 << 20);
    dir.write('big.env.hbs', `PW={{MYSQL.USER}}\n# ${filler}\n`);
    const templates = Array.from({ length: 10 }, (_, i) => `  - source: big.env.hbs\n    destination: out/big${i}.env`).join('\n');
    dir.write('ssm-render.yaml', `templates:\n${templates}\n`);
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
      const out = `out-${signal}`;
      mkdirSync(dir.path(out));
      dir.write('ssm-render.yaml', `templates:\n${templates.replaceAll('out/', `${out}/`)}\n`);
      const cli = startCli(['render'], { cwd: dir.dir, env: awsEnv(fake) });
      running.push(cli);
      let sawTemp = false;
      const watcher = watchDir(dir.path(out), (_event, name) => {
        if (!sawTemp && String(name).endsWith('.tmp')) {
          sawTemp = true;
          cli.kill(signal);
        }
      });
      const exit = await cli.exited;
      watcher.close();
      expect(sawTemp).toBe(true);
      expect(exit, cli.output().slice(-2000)).toMatchObject({ code: 128 + constants.signals[signal], signal: null });
      expect(temps(out)).toEqual([]);
      for (const name of readdirSync(dir.path(out))) expect(readFileSync(dir.path(out, name), 'utf8')).toBe(`PW=metrics_user\n# ${filler}\n`);
      expect(cli.logs.find(msg(`stopped by ${signal} before the render finished; its temp files are removed`))).toBeDefined();
    }
  }, 120_000);
});

describe('watch', () => {
  function watch(): LiveCli {
    dir.write('ssm-render.yaml', 'watch: { interval: 1h }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n');
    const cli = startCli(['watch', '--ready-file', dir.path('out/.ready')], { cwd: dir.dir, env: awsEnv(fake) });
    running.push(cli);
    return cli;
  }

  for (const signal of ['SIGQUIT', 'SIGUSR2', 'SIGALRM', 'SIGTERM', 'SIGINT'] as const) {
    it(`${signal} stops it cleanly: the ready file is removed, exit 0`, async () => {
      const cli = watch();
      await cli.waitForLog(msg('first render complete, watching'), 30_000);
      expect(existsSync(dir.path('out/.ready'))).toBe(true);
      cli.kill(signal);
      const exit = await cli.exited;
      expect(exit, cli.output().slice(-2000)).toMatchObject({ code: 0, signal: null });
      expect(existsSync(dir.path('out/.ready'))).toBe(false);
      expect(cli.logs.find((l) => l['msg'] === 'stopping' && l['signal'] === signal)).toBeDefined();
      expect(temps('out')).toEqual([]);
    });
  }

  it('ignores SIGPIPE and SIGUSR1, and SIGHUP renders now: it keeps running', async () => {
    const cli = watch();
    await cli.waitForLog(msg('first render complete, watching'), 30_000);
    for (const signal of ['SIGPIPE', 'SIGUSR1', 'SIGHUP'] as const) cli.kill(signal);
    await cli.waitForLog(msg('render requested'));
    await new Promise((r) => setTimeout(r, 500));
    expect(cli.child.exitCode).toBeNull();
    expect(existsSync(dir.path('out/.ready'))).toBe(true);
    cli.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
  });
});
