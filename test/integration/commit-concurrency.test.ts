import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli } from '../support/run-cli';
import { awsEnv, CANARY, expectNoLeak, fakeHooks, type Scratch } from '../support/toolkit';

let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  for (const name of fake.names()) fake.delete(name);
  fake.put('/ELASMETRICS/STAGING/DB/PASSWORD', `pw-${CANARY}`, { type: 'SecureString' });
});

const WRITERS = 24;
const FILES = ['a.env', 'b.env', 'c.env', 'd.env'];
// Each writer renders its own RUN_ID (the environment layer over a default), into the same four files.
const FILLER = 'x'.repeat(200_000);
const CONFIG = `prefix: /ELASMETRICS
env: STAGING
defaults:
  values: { RUN: { ID: none } }
templates:
${FILES.map((f) => `  - source: t.hbs\n    destination: out/${f}\n    escape: none\n`).join('')}`;
const expected = (id: string) => `RUN=${id}\n${FILLER}\nPASSWORD=pw-${CANARY}\nEND=${id}\n`;

describe('many writers on the same destinations', () => {
  it(`${WRITERS} concurrent renders all exit 0, every file whole, the set from one of them, nothing left behind`, async () => {
    dir.write('ssm-render.yaml', CONFIG);
    dir.write('t.hbs', `RUN={{RUN.ID}}\n${FILLER}\nPASSWORD={{DB.PASSWORD}}\nEND={{RUN.ID}}\n`);
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, i) => runCli(['render'], { cwd: dir.dir, env: awsEnv(fake, { RUN_ID: `w${i}` }), timeoutMs: 60_000 })),
    );
    for (const r of results) {
      expectNoLeak(r);
      expect(r.code, r.stderr).toBe(0);
    }
    const contents = FILES.map((f) => readFileSync(dir.path('out', f), 'utf8'));
    const winner = /^RUN=(\w+)\n/.exec(contents[0] ?? '')?.[1] ?? '';
    expect(winner).toMatch(/^w\d+$/);
    for (const c of contents) expect(c).toBe(expected(winner));
    expect(readdirSync(dir.path('out')).sort()).toEqual(FILES);
  });
});
