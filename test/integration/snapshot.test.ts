import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli } from '../support/run-cli';
import { awsEnv, CANARY, expectNoLeak, fakeHooks, lastLog, type Scratch } from '../support/toolkit';

// `commit: snapshot` through the built CLI: the layout, switching modes both ways on a real
// directory, a real single-file bind mount refused, and a reader process that never sees a mix.
const PATH = '/ELASMETRICS/STAGING/';
const FILES = ['a.env', 'b.env', 'c.env', 'd.env'];
let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  for (const name of fake.names()) fake.delete(name);
  fake.put(`${PATH}DB/PASSWORD`, `pw-${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}RUN/GEN`, '1', { type: 'String' });
});

const FILLER = 'f'.repeat(256 * 1024);
function configure(commit: 'files' | 'snapshot') {
  dir.write('t.hbs', `GEN={{RUN.GEN}}\n${FILLER}\nPASSWORD={{DB.PASSWORD}}\n`);
  dir.write(
    'ssm-render.yaml',
    `prefix: /ELASMETRICS\nenv: STAGING\ncommit: ${commit}\ntemplates:\n${FILES.map((f) => `  - { source: t.hbs, destination: out/${f}, escape: none, mode: "0604" }\n`).join('')}`,
  );
}
const render = async () => {
  const r = await runCli(['render'], { cwd: dir.dir, env: awsEnv(fake) });
  expectNoLeak(r);
  return r;
};
const out = (...parts: string[]) => join(dir.path('out'), ...parts);
const gens = () => FILES.map((f) => Number(/^GEN=(\d+)\n/.exec(readFileSync(out(f), 'utf8'))?.[1]));
const isSnapshot = (n: string) => /^\.\.\d{4}(?:_\d{2}){5}\.\d{9}$/.test(n);

describe('render with commit: snapshot', () => {
  it('lays out ..data -> ..<timestamp>/ and name -> ..data/name; a change swaps ..data, an unchanged render leaves it', async () => {
    configure('snapshot');
    expect((await render()).code).toBe(0);
    const first = readlinkSync(out('..data'));
    expect(isSnapshot(first)).toBe(true);
    expect(readdirSync(out()).sort()).toEqual(['..data', first, ...FILES].sort());
    for (const f of FILES) expect(readlinkSync(out(f))).toBe(`..data/${f}`);
    expect(statSync(out(first)).mode & 0o777).toBe(0o755);
    expect(statSync(out(first, 'a.env')).mode & 0o777).toBe(0o604);
    expect(gens()).toEqual([1, 1, 1, 1]);

    const unchanged = await render();
    expect(unchanged.code).toBe(0);
    expect(lastLog(unchanged)['written']).toBe(0);
    expect(readlinkSync(out('..data'))).toBe(first);

    fake.put(`${PATH}RUN/GEN`, '2', { type: 'String' });
    const changed = await render();
    expect(lastLog(changed)['written']).toBe(4);
    const second = readlinkSync(out('..data'));
    expect(second).not.toBe(first);
    expect(readdirSync(out()).sort()).toEqual(['..data', second, ...FILES].sort());
    expect(gens()).toEqual([2, 2, 2, 2]);
  });

  it('switches an existing directory from files to snapshot and back', async () => {
    configure('files');
    await render();
    expect(FILES.map((f) => lstatSync(out(f)).isFile())).toEqual([true, true, true, true]);
    configure('snapshot');
    fake.put(`${PATH}RUN/GEN`, '2', { type: 'String' });
    expect((await render()).code).toBe(0);
    expect(FILES.map((f) => readlinkSync(out(f)))).toEqual(FILES.map((f) => `..data/${f}`));
    expect(gens()).toEqual([2, 2, 2, 2]);
    expect(readdirSync(out()).filter(isSnapshot)).toEqual([readlinkSync(out('..data'))]);
    configure('files');
    fake.put(`${PATH}RUN/GEN`, '3', { type: 'String' });
    expect((await render()).code).toBe(0);
    expect(readdirSync(out()).sort()).toEqual(FILES);
    expect(FILES.map((f) => lstatSync(out(f)).isFile())).toEqual([true, true, true, true]);
    expect(gens()).toEqual([3, 3, 3, 3]);
  });

  /** Whether this machine lets the tests bind-mount a file (root, and mount allowed). */
  const canBindMount = (() => {
    if (process.getuid?.() !== 0) return false;
    const probe = mkdtempSync(join(tmpdir(), 'ssm-render-mount-'));
    try {
      writeFileSync(join(probe, 'a'), 'a');
      writeFileSync(join(probe, 'b'), 'b');
      const ok = spawnSync('mount', ['--bind', join(probe, 'a'), join(probe, 'b')]).status === 0;
      if (ok) spawnSync('umount', [join(probe, 'b')]);
      return ok;
    } finally {
      rmSync(probe, { recursive: true, force: true });
    }
  })();

  describe.skipIf(!canBindMount)('a single-file bind mount', () => {
    const mounted: string[] = [];
    afterEach(() => {
      for (const m of mounted.splice(0)) spawnSync('umount', [m]);
    });

    it('is refused with exit 5, naming the file and saying to mount the directory; nothing changes', async () => {
      configure('files');
      await render();
      const source = dir.write('host-b.env', 'HOST FILE\n');
      expect(spawnSync('mount', ['--bind', source, out('b.env')]).status).toBe(0);
      mounted.push(out('b.env'));
      configure('snapshot');
      fake.put(`${PATH}RUN/GEN`, '2', { type: 'String' });
      const r = await render();
      expect(r.code).toBe(5);
      expect(lastLog(r)['msg']).toBe(
        `Cannot use \`commit: snapshot\` for ${out('b.env')}: it is a mount point of its own (a single-file bind mount), and a mounted file cannot be replaced by a symlink`,
      );
      expect(String(lastLog(r)['hint'])).toMatch(/^mount its directory instead/);
      expect(readdirSync(out()).sort()).toEqual(FILES);
      expect(readFileSync(out('b.env'), 'utf8')).toBe('HOST FILE\n');
      expect(readFileSync(out('a.env'), 'utf8')).toMatch(/^GEN=1\n/);
    });
  });

  it('a reader process resolving the names during 10 swaps never sees a mixed set', async () => {
    configure('snapshot');
    await render();
    const reader = spawn('python3', [join(__dirname, '../support/snapshot-reader.py'), out(), '600', ...FILES], { stdio: ['ignore', 'pipe', 'pipe'] });
    let report = '';
    let errors = '';
    reader.stdout.on('data', (d: Buffer) => (report += d.toString()));
    reader.stderr.on('data', (d: Buffer) => (errors += d.toString()));
    const done = new Promise<void>((resolve) => reader.on('close', () => resolve()));
    for (let gen = 2; gen <= 11; gen++) {
      fake.put(`${PATH}RUN/GEN`, String(gen), { type: 'String' });
      expect((await render()).code).toBe(0);
    }
    reader.kill('SIGTERM');
    await done;
    expect(errors).toBe('');
    const stats = JSON.parse(report) as Record<'names' | 'realpath', { reads: number; mixed: number; retried: number; gens: number }>;
    console.log(`snapshot reader over 10 swaps: ${report.trim()}`);
    for (const mode of ['names', 'realpath'] as const) {
      expect(stats[mode].mixed, mode).toBe(0);
      expect(stats[mode].reads, mode).toBeGreaterThan(0);
    }
    // It read across the swaps, not only before or after them.
    expect(stats.names.gens + stats.realpath.gens).toBeGreaterThan(2);
  });
});
