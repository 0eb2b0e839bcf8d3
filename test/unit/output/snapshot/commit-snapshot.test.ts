import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, WriteError } from '../../../../src/errors';
import { commitFiles, type CommitOptions } from '../../../../src/output/commit';
import { isSnapshotName } from '../../../../src/output/snapshot/names';
import { recordingFs } from '../../../support/recording-fs';
import { scratch } from '../../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const CANARY = 'CANARY-sn4psh0t-91c2';
const file = (name: string, text: string, mode = 0o640) => ({ destination: s.path(name), content: Buffer.from(text), mode });
const snapshot = (files: Parameters<typeof commitFiles>[0], options: CommitOptions = {}) => commitFiles(files, { ...options, mode: 'snapshot' });
const live = (dir = s.dir) => readlinkSync(join(dir, '..data'));
const snapshots = (dir = s.dir) => readdirSync(dir).filter(isSnapshotName);
const read = (name: string) => readFileSync(s.path(name), 'utf8');
const modeOf = (p: string) => statSync(p).mode & 0o7777;

describe('commit: snapshot', () => {
  it('writes every file into one ..<timestamp> directory, each name a symlink through ..data', async () => {
    const result = await snapshot([file('a.env', 'A=1\n'), file('b.yaml', 'b: 1\n', 0o600)]);
    expect(result).toEqual({ written: [s.path('a.env'), s.path('b.yaml')], unchanged: [] });
    expect(readdirSync(s.dir).sort()).toEqual(['..data', live(), 'a.env', 'b.yaml'].sort());
    expect(live()).toMatch(/^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{9}$/);
    expect(readlinkSync(s.path('a.env'))).toBe('..data/a.env');
    expect(readlinkSync(s.path('b.yaml'))).toBe('..data/b.yaml');
    expect([read('a.env'), read('b.yaml')]).toEqual(['A=1\n', 'b: 1\n']);
    expect(modeOf(s.path(live(), 'a.env'))).toBe(0o640);
    expect(modeOf(s.path(live(), 'b.yaml'))).toBe(0o600);
    expect(modeOf(s.path(live()))).toBe(0o755);
  });

  it('names the directory after the injected time', async () => {
    await snapshot([file('a.env', 'A=1\n')], { now: () => new Date(Date.UTC(2026, 11, 6, 21, 30, 0, 123)) });
    expect(live()).toMatch(/^\.\.2026_12_06_21_30_00\.123\d{6}$/);
  });

  it('swaps to a new snapshot holding every file when one changed, and removes the old one', async () => {
    await snapshot([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')]);
    const old = live();
    const result = await snapshot([file('a.env', 'A=2\n'), file('b.env', 'B=1\n')]);
    expect(result).toEqual({ written: [s.path('a.env')], unchanged: [s.path('b.env')] });
    expect(live()).not.toBe(old);
    expect(snapshots()).toEqual([live()]);
    expect([read('a.env'), read('b.env')]).toEqual(['A=2\n', 'B=1\n']);
    expect(readdirSync(s.path(live())).sort()).toEqual(['a.env', 'b.env']);
    expect(readdirSync(s.dir).filter((n) => n.includes('ssm-render'))).toEqual([]);
  });

  it('with nothing changed, makes no swap and no write: the same target, the same inodes, no lock', async () => {
    await snapshot([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')]);
    const before = { target: live(), ino: statSync(s.path('a.env')).ino };
    const { fs, calls } = recordingFs();
    const result = await snapshot([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')], { fs });
    expect(result).toEqual({ written: [], unchanged: [s.path('a.env'), s.path('b.env')] });
    expect(calls.filter((c) => /^(open|mkdir|rename|unlink|symlink|link|rm|chmod|chown)/.test(c))).toEqual([]);
    expect({ target: live(), ino: statSync(s.path('a.env')).ino }).toEqual(before);
  });

  it('writes, fsyncs and modes the whole snapshot before any name changes, then swaps ..data with one rename, then removes the old one', async () => {
    await snapshot([file('a.env', 'A=1\n')]);
    const old = live();
    const { fs, calls } = recordingFs();
    await snapshot([file('a.env', 'A=2\n'), file('b.env', 'B=2\n')], { fs });
    const neu = live();
    const at = (line: string) => {
      const i = calls.indexOf(line);
      expect(i, `${line}\n---\n${calls.join('\n')}`).toBeGreaterThan(-1);
      return i;
    };
    const order = [
      at(`mkdir ${s.path(neu)}`),
      at(`handle.write ${s.path(neu, 'a.env')}`),
      at(`handle.chmod ${s.path(neu, 'a.env')}`),
      at(`handle.sync ${s.path(neu, 'a.env')}`),
      at(`handle.sync ${s.path(neu, 'b.env')}`),
      at(`chmod ${s.path(neu)}`),
      at(`handle.sync ${s.path(neu)}`),
      calls.findIndex((c) => c.startsWith('symlink ..data/b.env -> ')),
      calls.findIndex((c) => c.startsWith('rename ') && c.endsWith(` -> ${s.path('b.env')}`)),
      at(`symlink ${neu} -> ${s.path('..data_tmp')}`),
      at(`rename ${s.path('..data_tmp')} -> ${s.path('..data')}`),
      calls.lastIndexOf(`handle.sync ${s.dir}`),
      at(`rm ${s.path(old)}`),
    ];
    expect(order, calls.join('\n')).toEqual([...order].sort((x, y) => x - y));
    // The directory is fsynced between the names and the swap, and after the swap.
    expect(calls.slice(order[8], order[9]).some((c) => c === `handle.sync ${s.dir}`)).toBe(true);
    expect(calls.filter((c) => c.startsWith('rename ') && c.endsWith(' -> ' + s.path('..data')))).toHaveLength(1);
    expect(calls.some((c) => c.startsWith('rename ') && c.endsWith(` -> ${s.path('a.env')}`))).toBe(false);
  });

  it('when the swap fails, removes the new snapshot and leaves every name as it was', async () => {
    await snapshot([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')]);
    const old = live();
    const { fs } = recordingFs((op, path) => (op === 'rename' && path.endsWith('/..data') ? 'EIO' : undefined));
    const error = (await snapshot([file('a.env', `A=${CANARY}\n`), file('b.env', `B=${CANARY}\n`)], { fs }).catch((e: unknown) => e)) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.exitCode).toBe(5);
    expect(error.message).toBe(`Cannot swap the snapshot link ${s.path('..data')} (EIO); no destination changed`);
    expect(error.message + error.hint).not.toContain(CANARY);
    expect(live()).toBe(old);
    expect(snapshots()).toEqual([old]);
    expect(existsSync(s.path('..data_tmp'))).toBe(false);
    expect([read('a.env'), read('b.env')]).toEqual(['A=1\n', 'B=1\n']);
  });

  it('with two directories, puts the first back on its old snapshot when the second swap fails', async () => {
    const [one, two] = [s.path('one'), s.path('two')];
    await snapshot([file('one/a.env', 'A=1\n'), file('two/b.env', 'B=1\n')]);
    const old = live(one);
    const { fs } = recordingFs((op, path) => (op === 'rename' && path === `${two}/..data_tmp -> ${two}/..data` ? 'ENOSPC' : undefined));
    const error = (await snapshot([file('one/a.env', 'A=2\n'), file('two/b.env', 'B=2\n')], { fs }).catch((e: unknown) => e)) as WriteError;
    expect(error.message).toBe(`Cannot swap the snapshot link ${two}/..data (ENOSPC); rolled back ${one}; no destination changed`);
    expect(live(one)).toBe(old);
    expect(snapshots(one)).toEqual([old]);
    expect(snapshots(two)).toHaveLength(1);
    expect([read('one/a.env'), read('two/b.env')]).toEqual(['A=1\n', 'B=1\n']);
  });

  it('removes what a killed commit left: a half-built snapshot, ..data_tmp and temp symlinks, even when nothing changed', async () => {
    await snapshot([file('a.env', 'A=1\n')]);
    const keep = live();
    mkdirSync(s.path('..2020_01_01_00_00_00.000123456'));
    writeFileSync(s.path('..2020_01_01_00_00_00.000123456', 'a.env'), `A=${CANARY}\n`);
    symlinkSync('..2020_01_01_00_00_00.000123456', s.path('..data_tmp'));
    symlinkSync('..data/a.env', s.path('.a.env.ssm-render-0123456789ab.tmp'));
    writeFileSync(s.path(keep, '.a.env.ssm-render-ba9876543210.tmp'), 'half');
    mkdirSync(s.path('..not-ours'));
    await snapshot([file('a.env', 'A=1\n')]);
    expect(readdirSync(s.dir).sort()).toEqual(['..data', '..not-ours', keep, 'a.env'].sort());
    expect(readdirSync(s.path(keep))).toEqual(['a.env']);
    expect(live()).toBe(keep);
  });

  it('removes a temp symlink a killed commit left beside a name, also when nothing else is stale', async () => {
    await snapshot([file('a.env', 'A=1\n')]);
    symlinkSync('..data/a.env', s.path('.a.env.ssm-render-0123456789ab.tmp'));
    await snapshot([file('a.env', 'A=1\n')]);
    expect(readdirSync(s.dir).sort()).toEqual(['..data', live(), 'a.env'].sort());
  });

  it('keeps the files of the live snapshot that this commit does not write but a name still shows', async () => {
    await snapshot([file('a.env', 'A=1\n'), file('other.env', 'O=1\n', 0o604)]);
    const otherIno = statSync(s.path('other.env')).ino;
    await snapshot([file('a.env', 'A=2\n')]);
    expect([read('a.env'), read('other.env')]).toEqual(['A=2\n', 'O=1\n']);
    expect(statSync(s.path('other.env')).ino).toBe(otherIno);
    expect(modeOf(s.path('other.env'))).toBe(0o604);
  });

  it('mends a drifted mode in the live snapshot without a swap', async () => {
    await snapshot([file('a.env', 'A=1\n')]);
    const target = live();
    chmodSync(s.path(target, 'a.env'), 0o666);
    const result = await snapshot([file('a.env', 'A=1\n')]);
    expect(result.unchanged).toEqual([s.path('a.env')]);
    expect(live()).toBe(target);
    expect(modeOf(s.path(target, 'a.env'))).toBe(0o640);
  });

  it('refuses a destination whose name starts with `..`', async () => {
    const error = await snapshot([file('..data', 'x')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('names that start with `..` are its own');
  });

  it('refuses a regular file that is a mount point of its own (a single-file bind mount), naming it', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    const error = (await snapshot([file('app.env', `A=${CANARY}\n`)], { mountPoints: async () => new Set([s.path('app.env')]) }).catch(
      (e: unknown) => e,
    )) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.exitCode).toBe(5);
    expect(error.message).toContain(`Cannot use \`commit: snapshot\` for ${s.path('app.env')}: it is a mount point of its own (a single-file bind mount)`);
    expect(error.hint).toMatch(/mount its directory instead/);
    expect(readdirSync(s.dir)).toEqual(['app.env']);
    expect(read('app.env')).toBe('OLD\n');
  });

  it('in a dry run writes nothing and reports what would change', async () => {
    writeFileSync(s.path('a.env'), 'A=1\n');
    const result = await snapshot([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')], { dryRun: true });
    expect(result).toEqual({ written: [s.path('b.env')], unchanged: [s.path('a.env')] });
    expect(readdirSync(s.dir)).toEqual(['a.env']);
  });
});

describe.skipIf(process.getuid?.() !== 0)('commit: snapshot, as root', () => {
  it("gives the files inside the snapshot their owner; the symlinks and the snapshot directory stay the process's", async () => {
    await snapshot([{ ...file('a.env', 'A=1\n'), uid: 1234, gid: 5678 }]);
    const inside = statSync(s.path(live(), 'a.env'));
    expect([inside.uid, inside.gid, inside.mode & 0o7777]).toEqual([1234, 5678, 0o640]);
    expect([statSync(s.path(live())).uid, lstatSync(s.path('a.env')).uid]).toEqual([0, 0]);
    // Same bytes, another owner asked for: mended in place, no swap.
    const target = live();
    await snapshot([{ ...file('a.env', 'A=1\n'), uid: 4321, gid: 8765 }]);
    expect(live()).toBe(target);
    expect([statSync(s.path(target, 'a.env')).uid, statSync(s.path(target, 'a.env')).gid]).toEqual([4321, 8765]);
  });
});

describe('commit: switching modes', () => {
  it('files -> snapshot: each regular file becomes a symlink through ..data, with the new content', async () => {
    await commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')]);
    await snapshot([file('a.env', 'A=2\n'), file('b.env', 'B=1\n')]);
    expect([lstatSync(s.path('a.env')).isSymbolicLink(), lstatSync(s.path('b.env')).isSymbolicLink()]).toEqual([true, true]);
    expect([read('a.env'), read('b.env')]).toEqual(['A=2\n', 'B=1\n']);
    expect(snapshots()).toEqual([live()]);
  });

  it('files -> snapshot: the old files are seeded into a snapshot first, so a failed swap still shows all of the old ones', async () => {
    await commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')]);
    let swaps = 0;
    const { fs, calls } = recordingFs((op, path) => (op === 'rename' && path.endsWith('/..data') && ++swaps === 2 ? 'EIO' : undefined));
    const error = await snapshot([file('a.env', 'A=2\n'), file('b.env', 'B=2\n')], { fs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    // Seeded by hard links: the very files readers had open.
    expect(calls.filter((c) => c.startsWith('link '))).toHaveLength(2);
    expect([lstatSync(s.path('a.env')).isSymbolicLink(), read('a.env'), read('b.env')]).toEqual([true, 'A=1\n', 'B=1\n']);
    await snapshot([file('a.env', 'A=2\n'), file('b.env', 'B=2\n')]);
    expect([read('a.env'), read('b.env')]).toEqual(['A=2\n', 'B=2\n']);
    expect(snapshots()).toEqual([live()]);
  });

  it('files -> snapshot: when even the seed cannot be swapped in, the regular files stay and nothing is left behind', async () => {
    await commitFiles([file('a.env', 'A=1\n')]);
    const { fs } = recordingFs((op, path) => (op === 'rename' && path.endsWith('/..data') ? 'EIO' : undefined));
    const error = await snapshot([file('a.env', 'A=2\n')], { fs }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect(readdirSync(s.dir)).toEqual(['a.env']);
    expect([lstatSync(s.path('a.env')).isFile(), read('a.env')]).toEqual([true, 'A=1\n']);
  });

  it('snapshot -> files: each symlink becomes a regular file, and ..data and its snapshot are removed', async () => {
    await snapshot([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')]);
    const result = await commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=2\n')]);
    expect(result.written).toEqual([s.path('a.env'), s.path('b.env')]);
    expect(readdirSync(s.dir).sort()).toEqual(['a.env', 'b.env']);
    expect([lstatSync(s.path('a.env')).isFile(), read('a.env'), read('b.env')]).toEqual([true, 'A=1\n', 'B=2\n']);
  });

  it('snapshot -> files keeps ..data while another name still goes through it', async () => {
    await snapshot([file('a.env', 'A=1\n'), file('kept.env', 'K=1\n')]);
    await commitFiles([file('a.env', 'A=2\n')]);
    expect(read('kept.env')).toBe('K=1\n');
    expect(snapshots()).toEqual([live()]);
  });
});
