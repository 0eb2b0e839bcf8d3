import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lockDirectories } from '../../src/output/lock';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli } from '../support/run-cli';
import { awsEnv, expectNoLeak, guideHooks, lastLog, type Scratch } from '../support/toolkit';

// A run killed during its commit leaves temp files holding rendered secrets beside the files. The
// next run removes them before it fetches, so an outage that fails every later run before its
// commit does not leave them lying there; a live writer's temps (it holds the lock) stay.
let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
});

const LEFTOVER = '.app.env.ssm-render-0123456789ab.tmp';
const temps = () => readdirSync(dir.path('out')).filter((n) => n.endsWith('.tmp'));

function setUp(): void {
  dir.write('ssm-render.yaml', 'templates:\n  - format: dotenv\n    destination: out/app.env\n');
  mkdirSync(dir.path('out'), { recursive: true });
  dir.write(`out/${LEFTOVER}`, 'MYSQL_PASSWORD=a value a killed run rendered\n');
}

const failingRender = () => runCli(['render'], { cwd: dir.dir, env: awsEnv(fake) });

describe('temp files an interrupted run left', () => {
  it('are removed by the next run even when its fetch fails before any commit', async () => {
    setUp();
    fake.inject({ kind: 'access-denied' });
    try {
      const r = await failingRender();
      expect(r.code).toBe(3);
      expect(temps()).toEqual([]);
      expect(existsSync(dir.path('out/app.env'))).toBe(false);
      expect(r.logs.some((l) => String(l['msg']).startsWith('removed 1 temp file(s) an interrupted earlier run left'))).toBe(true);
      expect(lastLog(r)).toMatchObject({ exitCode: 3 });
      expectNoLeak(r);
    } finally {
      fake.clearFaults();
    }
  });

  it('stay while another writer holds the directory lock (they may be its live temps), and go once it is released', async () => {
    setUp();
    fake.inject({ kind: 'access-denied' });
    const unlock = await lockDirectories([dir.path('out')]);
    try {
      expect((await failingRender()).code).toBe(3);
      expect(temps()).toEqual([LEFTOVER]);
      await unlock();
      expect((await failingRender()).code).toBe(3);
      expect(temps()).toEqual([]);
    } finally {
      await unlock();
      fake.clearFaults();
    }
  });
});
