import { readdirSync, readFileSync, readlinkSync, statSync, writeFileSync, chmodSync, chownSync, lchownSync, symlinkSync, lstatSync, mkdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles } from '../../../src/output/commit';
import { WriteError } from '../../../src/errors';
import { recordingFs } from '../../support/recording-fs';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const file = (name: string, text: string, mode = 0o640) => ({ destination: s.path(name), content: Buffer.from(text), mode });
const modeOf = (p: string) => statSync(p).mode & 0o7777;

describe('commitFiles', () => {
  it('writes new files with the mode asked for, creating parents with 0750', async () => {
    const result = await commitFiles([file('deep/er/app.env', 'A=1\n'), file('other.yaml', 'a: 1\n', 0o600)]);
    expect(result.written).toHaveLength(2);
    expect(readFileSync(s.path('deep/er/app.env'), 'utf8')).toBe('A=1\n');
    expect(modeOf(s.path('deep/er/app.env'))).toBe(0o640);
    expect(modeOf(s.path('other.yaml'))).toBe(0o600);
    expect(modeOf(s.path('deep'))).toBe(0o750);
    expect(modeOf(s.path('deep/er'))).toBe(0o750);
  });

  it('leaves a file with the same bytes untouched: same inode, same mtime', async () => {
    await commitFiles([file('app.env', 'A=1\n')]);
    const before = statSync(s.path('app.env'));
    await new Promise((r) => setTimeout(r, 20));
    const result = await commitFiles([file('app.env', 'A=1\n')]);
    const after = statSync(s.path('app.env'));
    expect(result).toEqual({ written: [], unchanged: [s.path('app.env')] });
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('replaces a changed file with a new inode (rename), and fixes a drifted mode without rewriting', async () => {
    await commitFiles([file('app.env', 'A=1\n')]);
    const first = statSync(s.path('app.env'));
    await commitFiles([file('app.env', 'A=2\n')]);
    expect(statSync(s.path('app.env')).ino).not.toBe(first.ino);
    chmodSync(s.path('app.env'), 0o666);
    const mtime = statSync(s.path('app.env')).mtimeMs;
    const result = await commitFiles([file('app.env', 'A=2\n')]);
    expect(result.unchanged).toHaveLength(1);
    expect(modeOf(s.path('app.env'))).toBe(0o640);
    expect(statSync(s.path('app.env')).mtimeMs).toBe(mtime);
  });

  it('writes nothing when any file cannot be staged, and leaves no temp file', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    writeFileSync(s.path('blocker'), 'a file where a directory should be');
    const error = await commitFiles([file('app.env', 'NEW\n'), file('blocker/x.yaml', 'a: 1\n')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).exitCode).toBe(5);
    expect((error as WriteError).message).toMatch(/blocker/);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('OLD\n');
    expect(readdirSync(s.dir).filter((n) => n.includes('ssm-render'))).toEqual([]);
  });

  it('removes temp files a killed earlier run left behind', async () => {
    writeFileSync(s.path('.app.env.ssm-render-0123456789ab.tmp'), 'half');
    await commitFiles([file('app.env', 'A=1\n')]);
    expect(readdirSync(s.dir).sort()).toEqual(['app.env']);
  });

  it('replaces a symlink instead of writing through it', async () => {
    writeFileSync(s.path('target'), 'precious\n');
    symlinkSync(s.path('target'), s.path('app.env'));
    await commitFiles([file('app.env', 'A=1\n')]);
    expect(lstatSync(s.path('app.env')).isSymbolicLink()).toBe(false);
    expect(readFileSync(s.path('target'), 'utf8')).toBe('precious\n');
  });

  it('in a dry run reports what would change and writes nothing', async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    const result = await commitFiles([file('same.env', 'A=1\n'), file('new.env', 'B=2\n')], { dryRun: true });
    expect(result).toEqual({ written: [s.path('new.env')], unchanged: [s.path('same.env')] });
    expect(readdirSync(s.dir)).toEqual(['same.env']);
  });

  it.skipIf(process.getuid?.() !== 0)('sets the owner when asked (needs root)', async () => {
    await commitFiles([{ ...file('owned.env', 'A=1\n'), uid: 1234, gid: 5678 }]);
    const st = statSync(s.path('owned.env'));
    expect([st.uid, st.gid]).toEqual([1234, 5678]);
  });

  it('leaves no lock file behind, and takes none when nothing changed', async () => {
    await commitFiles([file('app.env', 'A=1\n')]);
    expect(readdirSync(s.dir)).toEqual(['app.env']);
    const { fs, calls } = recordingFs();
    await commitFiles([file('app.env', 'A=1\n')], { fs });
    expect(calls.filter((c) => /^(open|mkdir|rename|unlink|chmod|chown)/.test(c))).toEqual([]);
  });
});

const ROOT = process.getuid?.() === 0;
const CANARY = 'CANARY-c0mm1t-7f3a';
const fail = (code: string, op: string, match: string) => (o: string, p: string) => (o === op && p.includes(match) ? code : undefined);
const temps = () => readdirSync(s.dir).filter((n) => n.includes('ssm-render'));

describe('commitFiles: order of the system calls', () => {
  it('writes, sets the mode and fsyncs each temp file before any rename, and fsyncs the directory after', async () => {
    writeFileSync(s.path('a.env'), 'OLD\n');
    const { fs, calls } = recordingFs();
    await commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')], { fs });
    const at = (pattern: RegExp, from = 0) => calls.findIndex((c, i) => i >= from && pattern.test(c));
    const renameA = at(/^rename .*\.a\.env\.ssm-render-.* -> .*\/a\.env$/);
    const renameB = at(/^rename .*\.b\.env\.ssm-render-.* -> .*\/b\.env$/);
    for (const name of ['a', 'b']) {
      const write = at(new RegExp(`^handle\\.write .*\\.${name}\\.env\\.ssm-render-`));
      const chmod = at(new RegExp(`^handle\\.chmod .*\\.${name}\\.env\\.ssm-render-`));
      const sync = at(new RegExp(`^handle\\.sync .*\\.${name}\\.env\\.ssm-render-`));
      expect(write, calls.join('\n')).toBeGreaterThan(-1);
      expect(chmod).toBeGreaterThan(write);
      expect(sync).toBeGreaterThan(chmod);
      expect(Math.min(renameA, renameB)).toBeGreaterThan(sync);
    }
    const dirOpen = calls.lastIndexOf(`open ${s.dir}`);
    expect(dirOpen).toBeGreaterThan(Math.max(renameA, renameB));
    expect(calls[dirOpen + 1]).toBe(`handle.sync ${s.dir}`);
  });

  it('with a failed directory fsync, reports it and rolls the renames back', async () => {
    writeFileSync(s.path('a.env'), 'OLD\n');
    const { fs } = recordingFs((op, path) => (op === 'handle.sync' && path === s.dir ? 'EIO' : undefined));
    const error = (await commitFiles([file('a.env', 'NEW\n')], { fs }).catch((e: unknown) => e)) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toContain(`Cannot sync the directory ${s.dir} (EIO)`);
    expect(error.message).toContain(`rolled back ${s.path('a.env')}`);
    expect(readFileSync(s.path('a.env'), 'utf8')).toBe('OLD\n');
    expect(temps()).toEqual([]);
  });
});

describe('commitFiles: all or nothing', () => {
  it('rolls the first destination back (bytes, mode, owner) when the second rename fails, and says so', async () => {
    writeFileSync(s.path('a.env'), 'OLD=1\n');
    chmodSync(s.path('a.env'), 0o604);
    if (ROOT) chownSync(s.path('a.env'), 1234, 1235);
    writeFileSync(s.path('b.env'), 'OLD=2\n');
    const { fs } = recordingFs(fail('EPERM', 'rename', '/b.env'));
    const error = (await commitFiles([file('a.env', `A=${CANARY}\n`), file('b.env', `B=${CANARY}\n`), file('c.env', `C=${CANARY}\n`)], { fs }).catch(
      (e: unknown) => e,
    )) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.exitCode).toBe(5);
    expect(error.message).toBe(`Cannot rename a temp file onto ${s.path('b.env')} (EPERM); rolled back ${s.path('a.env')}; no destination changed`);
    expect(error.hint).toMatch(/immutable/);
    expect(error.message + error.hint).not.toContain(CANARY);
    expect(readFileSync(s.path('a.env'), 'utf8')).toBe('OLD=1\n');
    expect(modeOf(s.path('a.env'))).toBe(0o604);
    if (ROOT) expect([statSync(s.path('a.env')).uid, statSync(s.path('a.env')).gid]).toEqual([1234, 1235]);
    expect(readFileSync(s.path('b.env'), 'utf8')).toBe('OLD=2\n');
    expect(readdirSync(s.dir).sort()).toEqual(['a.env', 'b.env']);
  });

  it('removes a destination that did not exist before, and puts a replaced symlink back', async () => {
    writeFileSync(s.path('target'), 'precious\n');
    symlinkSync('target', s.path('link.env'));
    writeFileSync(s.path('z.env'), 'OLD\n');
    const { fs } = recordingFs(fail('EPERM', 'rename', '/z.env'));
    const error = (await commitFiles([file('new.env', 'N=1\n'), file('link.env', 'L=1\n'), file('z.env', 'Z=1\n')], { fs }).catch(
      (e: unknown) => e,
    )) as WriteError;
    expect(error.message).toContain(`rolled back ${s.path('new.env')}, ${s.path('link.env')}`);
    expect(readdirSync(s.dir).sort()).toEqual(['link.env', 'target', 'z.env']);
    expect(readlinkSync(s.path('link.env'))).toBe('target');
    expect(readFileSync(s.path('target'), 'utf8')).toBe('precious\n');
  });

  it('says which destination it could not roll back', async () => {
    writeFileSync(s.path('a.env'), 'OLD=1\n');
    writeFileSync(s.path('b.env'), 'OLD=2\n');
    let renames = 0;
    // The second rename fails, and so does the rename that would put the first back.
    const { fs } = recordingFs((op) => (op === 'rename' && ++renames >= 2 ? 'EIO' : undefined));
    const error = (await commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')], { fs }).catch((e: unknown) => e)) as WriteError;
    expect(error.message).toBe(
      `Cannot rename a temp file onto ${s.path('b.env')} (EIO); could not roll back ${s.path('a.env')} (EIO), which keeps the new content`,
    );
    expect(temps()).toEqual([]);
  });

  it("mends an unchanged file's mode only once every changed file is staged (ENOSPC leaves it as it was)", async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    chmodSync(s.path('same.env'), 0o644);
    const { fs } = recordingFs(fail('ENOSPC', 'handle.write', '.other.env.ssm-render-'));
    const error = (await commitFiles([file('same.env', 'A=1\n'), file('other.env', 'B=1\n')], { fs }).catch((e: unknown) => e)) as WriteError;
    expect(error.message).toContain(`Cannot write ${s.path('other.env')} (ENOSPC)`);
    expect(modeOf(s.path('same.env'))).toBe(0o644);
    expect(readdirSync(s.dir).sort()).toEqual(['same.env']);
  });

  it('puts a mended mode back when a later rename fails', async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    chmodSync(s.path('same.env'), 0o644);
    const { fs } = recordingFs(fail('EPERM', 'rename', '/other.env'));
    const error = (await commitFiles([file('same.env', 'A=1\n'), file('other.env', 'B=1\n')], { fs }).catch((e: unknown) => e)) as WriteError;
    expect(error.message).toContain(`rolled back ${s.path('same.env')}`);
    expect(modeOf(s.path('same.env'))).toBe(0o644);
  });

  it('removes stale temp files even when every destination is unchanged', async () => {
    writeFileSync(s.path('app.env'), 'A=1\n');
    chmodSync(s.path('app.env'), 0o640);
    writeFileSync(s.path('.app.env.ssm-render-0123456789ab.tmp'), `A=${CANARY}\n`);
    const mtime = statSync(s.path('app.env')).mtimeMs;
    const result = await commitFiles([file('app.env', 'A=1\n')]);
    expect(result).toEqual({ written: [], unchanged: [s.path('app.env')] });
    expect(readdirSync(s.dir)).toEqual(['app.env']);
    expect(statSync(s.path('app.env')).mtimeMs).toBe(mtime);
  });

  it('two commits at once on the same files: both succeed, and the set is wholly one of them', async () => {
    const set = (tag: string) => ['a.env', 'b.env', 'c.env'].map((n) => file(n, `${n}=${tag}\n`.repeat(5000)));
    for (let round = 0; round < 5; round++) {
      const results = await Promise.allSettled([commitFiles(set(`x${round}`)), commitFiles(set(`y${round}`)), commitFiles(set(`z${round}`))]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      const tags = ['a.env', 'b.env', 'c.env'].map((n) => /=(\w+)\n/.exec(readFileSync(s.path(n), 'utf8'))?.[1]);
      expect(new Set(tags).size).toBe(1);
      expect(readdirSync(s.dir).sort()).toEqual(['a.env', 'b.env', 'c.env']);
    }
  });
});

describe('commitFiles: single-file bind mounts (EBUSY)', () => {
  it('rewrites in place with owner and mode set before the new bytes', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    chmodSync(s.path('app.env'), 0o644);
    const inPlace: string[] = [];
    const { fs, calls } = recordingFs(fail('EBUSY', 'rename', '/app.env'));
    const self = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
    const result = await commitFiles([{ ...file('app.env', `A=${CANARY}\n`, 0o600), uid: self.uid, gid: self.gid }], {
      fs,
      onInPlaceWrite: (d) => inPlace.push(d),
    });
    expect(result.written).toEqual([s.path('app.env')]);
    expect(inPlace).toEqual([s.path('app.env')]);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe(`A=${CANARY}\n`);
    expect(modeOf(s.path('app.env'))).toBe(0o600);
    const onDest = calls.filter((c) => c.endsWith(` ${s.path('app.env')}`) && c.startsWith('handle.'));
    expect(onDest).toEqual([
      `handle.chown ${s.path('app.env')}`,
      `handle.chmod ${s.path('app.env')}`,
      `handle.truncate ${s.path('app.env')}`,
      `handle.write ${s.path('app.env')}`,
      `handle.sync ${s.path('app.env')}`,
      `handle.close ${s.path('app.env')}`,
    ]);
    expect(temps()).toEqual([]);
  });

  it('a failed in-place write is rolled back in place', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    let writes = 0;
    const { fs } = recordingFs((op, path) => {
      if (op === 'rename' && path.endsWith('/app.env')) return 'EBUSY';
      if (op === 'handle.write' && path === s.path('app.env') && ++writes === 1) return 'ENOSPC';
      return undefined;
    });
    const error = (await commitFiles([file('app.env', 'NEW\n')], { fs }).catch((e: unknown) => e)) as WriteError;
    expect(error.message).toBe(`Cannot write ${s.path('app.env')} (ENOSPC); rolled back ${s.path('app.env')}; no destination changed`);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('OLD\n');
  });
});

describe.skipIf(!ROOT)('commitFiles: owners, as root', () => {
  const sticky = () => {
    const dir = s.path('shared');
    mkdirSync(dir);
    chmodSync(dir, 0o1777);
    return dir;
  };

  it('refuses to keep the owner of a file another user pre-created in a directory others can write', async () => {
    sticky();
    writeFileSync(s.path('shared/app.env'), '');
    chownSync(s.path('shared/app.env'), 1234, 1234);
    const error = (await commitFiles([file('shared/app.env', `A=${CANARY}\n`)]).catch((e: unknown) => e)) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.exitCode).toBe(5);
    expect(error.message).toContain(`its directory ${s.path('shared')} is writable by other users`);
    expect(error.message).toContain('uid 1234 gid 1234');
    expect(error.hint).toMatch(/set uid and gid/);
    expect(readFileSync(s.path('shared/app.env'), 'utf8')).toBe('');
    expect(readdirSync(s.path('shared'))).toEqual(['app.env']);
  });

  it('writes there with the configured owner, or as its own when nothing is there', async () => {
    sticky();
    writeFileSync(s.path('shared/app.env'), '');
    chownSync(s.path('shared/app.env'), 1234, 1234);
    await commitFiles([{ ...file('shared/app.env', 'A=1\n'), uid: 4321, gid: 4322 }, file('shared/new.env', 'B=1\n')]);
    expect([statSync(s.path('shared/app.env')).uid, statSync(s.path('shared/app.env')).gid]).toEqual([4321, 4322]);
    expect([statSync(s.path('shared/new.env')).uid, statSync(s.path('shared/new.env')).gid]).toEqual([0, 0]);
  });

  it('never takes the owner of a symlink', async () => {
    writeFileSync(s.path('target'), 'precious\n');
    symlinkSync(s.path('target'), s.path('app.env'));
    lchownSync(s.path('app.env'), 1234, 1234);
    await commitFiles([file('app.env', 'A=1\n')]);
    const st = lstatSync(s.path('app.env'));
    expect([st.isFile(), st.uid, st.gid]).toEqual([true, 0, 0]);
  });

  it('keeps the owner of an existing file in a directory only root can write', async () => {
    chmodSync(s.dir, 0o755);
    writeFileSync(s.path('app.env'), 'OLD\n');
    chownSync(s.path('app.env'), 1234, 1235);
    await commitFiles([file('app.env', 'NEW\n')]);
    expect([statSync(s.path('app.env')).uid, statSync(s.path('app.env')).gid]).toEqual([1234, 1235]);
  });

  it("keeps a setgid directory's group without calling it a foreign owner", async () => {
    const dir = sticky();
    chownSync(dir, 0, 2000);
    chmodSync(dir, 0o2777);
    await commitFiles([file('shared/app.env', 'A=1\n')]);
    await commitFiles([file('shared/app.env', 'A=2\n')]);
    expect([statSync(s.path('shared/app.env')).uid, statSync(s.path('shared/app.env')).gid]).toEqual([0, 2000]);
  });
});
