import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { BUNDLE, parseLogs } from '../support/run-cli';
import { awsEnv, CANARY } from '../support/toolkit';
import { scratch } from '../support/tmp';

// A fault run: real renders of four files, again and again, each run either clean, killed with
// SIGKILL part-way through its commit, starved of space (a small tmpfs filled up), or refused one
// rename (an immutable destination). After every run: no torn file, no canary in what it printed;
// after every run that was not killed, no temp file or lock left (including those a killed run
// left) and, when it failed, every destination exactly as before it.
const MAX_RUNS = 40;
const BUDGET_MS = 25_000;
const FILES = ['a.txt', 'b.txt', 'c.txt', 'd.txt'];
const FILLER = 'f'.repeat(1 << 20);
const expected = (gen: number) => `GEN=${gen}\n${FILLER}\nPASSWORD=pw-${CANARY}\nEND=${gen}\n`;

let fake: FakeSsm;
const dir = scratch();
const vol = dir.path('vol');
let tmpfs = false;
beforeAll(async () => {
  fake = await startFakeSsm();
  mkdirSync(vol);
  tmpfs = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=12m,mode=0755', 'tmpfs', vol]).status === 0;
  dir.write('t.hbs', `GEN={{RUN.GEN}}\n${FILLER}\nPASSWORD={{DB.PASSWORD}}\nEND={{RUN.GEN}}\n`);
  dir.write(
    'ssm-render.yaml',
    `prefix: /ELASMETRICS\nenv: STAGING\ntemplates:\n${FILES.map((f) => `  - source: t.hbs\n    destination: vol/out/${f}\n    escape: none\n`).join('')}`,
  );
  fake.put('/ELASMETRICS/STAGING/DB/PASSWORD', `pw-${CANARY}`, { type: 'SecureString' });
});
afterAll(async () => {
  for (const f of FILES) spawnSync('chattr', ['-i', `${vol}/out/${f}`]);
  if (tmpfs) spawnSync('umount', [vol]);
  dir.cleanup();
  await fake.close();
});

/** A small deterministic generator, so that a failing run can be replayed. */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => ((x = (x * 1103515245 + 12345) >>> 0) % 1_000_000) / 1_000_000;
}

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly output: string;
  readonly killedMidCommit: boolean;
}

const out = (name = '') => `${vol}/out${name ? `/${name}` : ''}`;
const leftovers = () => (existsSync(out()) ? readdirSync(out()).filter((n) => !FILES.includes(n)) : []);
const snapshot = () => FILES.map((f) => (existsSync(out(f)) ? readFileSync(out(f), 'utf8') : undefined));
const genOf = (content: string | undefined) => (content === undefined ? undefined : Number(/^GEN=(\d+)\n/.exec(content)?.[1] ?? NaN));

/** Run `render`; with `killAfterMs`, SIGKILL it that long after its first temp file appears. */
function render(killAfterMs?: number): Promise<Run> {
  const child = spawn(process.execPath, [BUNDLE, 'render'], { cwd: dir.dir, env: awsEnv(fake), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  let killedMidCommit = false;
  let exited = false;
  const exit = new Promise<Run>((done) => child.on('close', (code, signal) => done({ code, signal, output, killedMidCommit })));
  child.on('exit', () => (exited = true));
  if (killAfterMs !== undefined) {
    const watch = () => {
      if (exited) return;
      if (leftovers().some((n) => n.includes('.ssm-render-'))) {
        setTimeout(() => {
          if (!exited) killedMidCommit = child.kill('SIGKILL');
        }, killAfterMs);
      } else setTimeout(watch, 1);
    };
    watch();
  }
  setTimeout(() => child.kill('SIGKILL'), 30_000).unref();
  return exit;
}

describe('fault run: kill -9, full disk and refused renames during commits', () => {
  it(`up to ${MAX_RUNS} renders in ${BUDGET_MS / 1000} s: no torn file, no leaked value, no stray temp, no mixed set after a failure`, async () => {
    const seed = Number(process.env['FAULT_SEED'] ?? Date.now() % 100_000);
    const rand = random(seed);
    const kinds = tmpfs ? (['clean', 'kill', 'enospc', 'eperm'] as const) : (['clean', 'kill', 'eperm'] as const);
    const n = {
      runs: 0,
      kills: 0,
      killsMidCommit: 0,
      enospc: 0,
      eperm: 0,
      torn: 0,
      mixedAfterFailure: 0,
      mixedAfterKill: 0,
      tempsLeftByKills: 0,
      strayTemps: 0,
      leaks: 0,
      unexpected: 0,
    };
    const started = Date.now();
    for (let gen = 1; gen <= MAX_RUNS && Date.now() - started < BUDGET_MS; gen++) {
      const kind = gen === 1 ? 'clean' : (kinds[gen % kinds.length] as (typeof kinds)[number]);
      fake.put('/ELASMETRICS/STAGING/RUN/GEN', String(gen));
      const before = snapshot();
      let ballast: string | undefined;
      let immutable: string | undefined;
      if (kind === 'enospc') {
        const fs = statfsSync(vol);
        // Leave room for somewhere between none and all but the last of the four new files.
        const room = Math.floor(rand() * 3.5 * FILLER.length);
        ballast = `${vol}/ballast`;
        writeFileSync(ballast, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - room)));
      }
      if (kind === 'eperm' && before.every((c) => c !== undefined)) {
        immutable = out(FILES[1 + Math.floor(rand() * 3)]);
        spawnSync('chattr', ['+i', immutable]);
      }
      const run = await render(kind === 'kill' ? Math.floor(rand() * 12) : undefined);
      if (ballast) rmSync(ballast);
      if (immutable) spawnSync('chattr', ['-i', immutable]);
      n.runs++;

      const after = snapshot();
      const gens = after.map(genOf);
      n.torn += after.filter((c, i) => c !== undefined && c !== expected(gens[i] as number)).length;
      if (run.output.includes(CANARY)) n.leaks++;
      const mixed = new Set(gens).size > 1;
      const temps = leftovers();
      if (kind === 'kill') n.kills++;
      if (run.signal === 'SIGKILL') {
        n.killsMidCommit += run.killedMidCommit ? 1 : 0;
        if (mixed) n.mixedAfterKill++;
        n.tempsLeftByKills += temps.length;
        continue;
      }
      if (temps.length > 0) n.strayTemps++;
      if (run.code === 0) {
        if (!gens.every((g) => g === gen)) n.unexpected++;
        continue;
      }
      const last = parseLogs(run.output).pop() ?? {};
      if (run.code !== 5 || !['enospc', 'eperm'].includes(kind)) {
        n.unexpected++;
        console.log(`run ${gen} (${kind}) exited ${run.code}: ${String(last['msg'])}`);
        continue;
      }
      if (kind === 'enospc') n.enospc++;
      else n.eperm++;
      if (after.some((c, i) => c !== before[i])) n.mixedAfterFailure++;
    }
    console.log(`fault run (seed ${seed}, ${tmpfs ? 'tmpfs' : 'no tmpfs: no ENOSPC'}) in ${Date.now() - started} ms: ${JSON.stringify(n)}`);
    expect(n.torn).toBe(0);
    expect(n.leaks).toBe(0);
    expect(n.strayTemps).toBe(0);
    expect(n.mixedAfterFailure).toBe(0);
    expect(n.unexpected).toBe(0);
    expect(n.kills).toBeGreaterThan(0);
    expect(n.eperm).toBeGreaterThan(0);
    if (tmpfs) expect(n.enospc).toBeGreaterThan(0);
  });
});
