import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteError } from '../../../src/errors';
import { commitFiles } from '../../../src/output/commit';
import { recordingFs } from '../../support/recording-fs';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});

const ROOT = process.getuid?.() === 0;
const file = (name: string, text: string, mode = 0o640) => ({ destination: s.path(name), content: Buffer.from(text), mode });
const fail = (code: string, op: string, match: string) => (o: string, p: string) => (o === op && p.includes(match) ? code : undefined);
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a WriteError'),
    (e: unknown) => e as WriteError,
  );
const entries = () => readdirSync(s.dir).sort();

describe('commitFiles: what it writes', () => {
  it('writes a changed file beside unchanged ones', async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    chmodSync(s.path('same.env'), 0o640);
    const result = await commitFiles([file('same.env', 'A=1\n'), file('new.env', 'B=1\n')]);
    expect(result).toEqual({ written: [s.path('new.env')], unchanged: [s.path('same.env')] });
    expect(readFileSync(s.path('new.env'), 'utf8')).toBe('B=1\n');
  });

  it('writes a file larger than one write chunk byte for byte', async () => {
    const content = Buffer.alloc(2.5 * 1024 * 1024, 'x');
    content.write('tail', content.length - 4);
    await commitFiles([{ destination: s.path('big.env'), content, mode: 0o600 }]);
    expect(readFileSync(s.path('big.env')).equals(content)).toBe(true);
  });

  it('replaces a symlink even when what it points to already holds the same bytes', async () => {
    writeFileSync(s.path('target'), 'A=1\n');
    symlinkSync('target', s.path('app.env'));
    const result = await commitFiles([file('app.env', 'A=1\n')]);
    expect(result.written).toEqual([s.path('app.env')]);
    expect(lstatSync(s.path('app.env')).isFile()).toBe(true);
  });

  it('replaces a FIFO at the destination with a regular file', async () => {
    spawnSync('mkfifo', [s.path('app.env')]);
    await commitFiles([file('app.env', 'A=1\n')]);
    expect(lstatSync(s.path('app.env')).isFile()).toBe(true);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('A=1\n');
  });
});

describe('commitFiles: what it refuses, naming the destination', () => {
  it('a destination that is a directory', async () => {
    mkdirSync(s.path('app.env'));
    const error = await failure(commitFiles([file('app.env', 'A=1\n')]));
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toBe(`Cannot read ${s.path('app.env')} (EISDIR)`);
    expect(error.hint).toBe('the destination is a directory');
  });

  it('a destination it cannot look at', async () => {
    const { fs } = recordingFs(fail('EACCES', 'lstat', '/app.env'));
    expect((await failure(commitFiles([file('app.env', 'A=1\n')], { fs }))).message).toBe(`Cannot read ${s.path('app.env')} (EACCES)`);
  });

  it('a temp file it cannot create: nothing changes and nothing is left', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    const { fs } = recordingFs(fail('EACCES', 'open', '.app.env.ssm-render-'));
    const error = await failure(commitFiles([file('app.env', 'NEW\n')], { fs }));
    expect(error.message).toBe(`Cannot create a file in the directory of ${s.path('app.env')} (EACCES)`);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('OLD\n');
    expect(entries()).toEqual(['app.env']);
  });

  it('an owner it may not set on an unchanged file', async () => {
    writeFileSync(s.path('app.env'), 'A=1\n');
    chmodSync(s.path('app.env'), 0o640);
    const { fs } = recordingFs(fail('EPERM', 'chown', '/app.env'));
    const error = await failure(commitFiles([{ ...file('app.env', 'A=1\n'), uid: 4321, gid: 4322 }], { fs }));
    expect(error.message).toBe(`Cannot set the mode or owner of ${s.path('app.env')} (EPERM); no destination changed`);
    expect(error.hint).toBe('setting uid/gid needs root or CAP_CHOWN: run as root or drop uid/gid from the template');
  });

  it('a busy rename onto a destination that is not a regular file is not retried in place', async () => {
    const { fs } = recordingFs(fail('EBUSY', 'rename', '/app.env'));
    const error = await failure(commitFiles([file('app.env', 'A=1\n')], { fs }));
    expect(error.message).toBe(`Cannot rename a temp file onto ${s.path('app.env')} (EBUSY); no destination changed`);
    expect(entries()).toEqual([]);
  });
});

describe('commitFiles: a stop request', () => {
  it('while a large file is staged ends the commit with the abort itself, leaving nothing', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    const stop = new AbortController();
    const { fs } = recordingFs((op, path) => {
      if (op === 'handle.write' && path.includes('.ssm-render-')) stop.abort();
      return undefined;
    });
    const content = Buffer.alloc(3 * 1024 * 1024, 'y');
    const error = await commitFiles([{ destination: s.path('app.env'), content, mode: 0o600 }], { fs, signal: stop.signal }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(WriteError);
    expect((error as Error).name).toBe('AbortError');
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('OLD\n');
    expect(entries()).toEqual(['app.env']);
  });
});

describe('commitFiles: single-file bind mounts (EBUSY), with no one to tell', () => {
  it('rewrites in place without an onInPlaceWrite callback', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    const { fs } = recordingFs(fail('EBUSY', 'rename', '/app.env'));
    const result = await commitFiles([file('app.env', 'NEW\n')], { fs });
    expect(result.written).toEqual([s.path('app.env')]);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('NEW\n');
  });
});

describe('commitFiles: rollback', () => {
  it('puts a mended mode back without touching the bytes: same inode, same mtime', async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    chmodSync(s.path('same.env'), 0o644);
    const before = statSync(s.path('same.env'));
    await new Promise((r) => setTimeout(r, 20));
    const { fs } = recordingFs(fail('EPERM', 'rename', '/other.env'));
    await failure(commitFiles([file('same.env', 'A=1\n'), file('other.env', 'B=1\n')], { fs }));
    const after = statSync(s.path('same.env'));
    expect([after.ino, after.mtimeMs, after.mode & 0o7777]).toEqual([before.ino, before.mtimeMs, 0o644]);
  });

  it('names the system code of a rollback that failed', async () => {
    writeFileSync(s.path('a.env'), 'OLD=1\n');
    writeFileSync(s.path('b.env'), 'OLD=2\n');
    let renames = 0;
    const { fs } = recordingFs((op) => (op === 'rename' && ++renames === 2 ? 'EIO' : op === 'rename' && renames === 3 ? 'EPERM' : undefined));
    const error = await failure(commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')], { fs }));
    expect(error.message).toBe(
      `Cannot rename a temp file onto ${s.path('b.env')} (EIO); could not roll back ${s.path('a.env')} (EPERM), which keeps the new content`,
    );
  });

  it('fsyncs the directory after putting files back', async () => {
    writeFileSync(s.path('a.env'), 'OLD=1\n');
    writeFileSync(s.path('b.env'), 'OLD=2\n');
    const { fs, calls } = recordingFs(fail('EPERM', 'rename', '/b.env'));
    await failure(commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')], { fs }));
    const putBack = calls.findLastIndex((c) => /^rename .*\.a\.env\.ssm-render-.* -> .*\/a\.env$/.test(c));
    expect(putBack).toBeGreaterThan(-1);
    expect(calls.slice(putBack)).toContain(`handle.sync ${s.dir}`);
    expect(readFileSync(s.path('a.env'), 'utf8')).toBe('OLD=1\n');
  });

  it.skipIf(!ROOT)('puts a mended owner back when a later rename fails', async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    chmodSync(s.path('same.env'), 0o640);
    chownSync(s.path('same.env'), 1234, 1235);
    const { fs } = recordingFs(fail('EPERM', 'rename', '/other.env'));
    await failure(commitFiles([{ ...file('same.env', 'A=1\n'), uid: 4321, gid: 4322 }, file('other.env', 'B=1\n')], { fs }));
    expect([statSync(s.path('same.env')).uid, statSync(s.path('same.env')).gid]).toEqual([1234, 1235]);
  });

  it.skipIf(!ROOT)('mends an owner that differs in the gid alone', async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    chmodSync(s.path('same.env'), 0o640);
    chownSync(s.path('same.env'), 4321, 1);
    const result = await commitFiles([{ ...file('same.env', 'A=1\n'), uid: 4321, gid: 4322 }]);
    expect(result.unchanged).toEqual([s.path('same.env')]);
    expect([statSync(s.path('same.env')).uid, statSync(s.path('same.env')).gid]).toEqual([4321, 4322]);
  });
});

describe('commitFiles: the directory lock', () => {
  it('gives up after lockTimeoutMs while another live writer holds the lock, changing nothing', async () => {
    const holder = spawn('sleep', ['30']);
    try {
      const ns = readlinkSync('/proc/self/ns/pid');
      const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
      writeFileSync(s.path('.ssm-render.lock'), JSON.stringify({ pid: holder.pid, ns, boot, token: 'feedfacefeedface' }));
      writeFileSync(s.path('app.env'), 'OLD\n');
      const started = Date.now();
      const error = await failure(commitFiles([file('app.env', 'NEW\n')], { lockTimeoutMs: 300 }));
      expect(error.message).toBe(`Cannot lock the directory ${s.dir}: another ssm-render (pid ${holder.pid}) holds ${s.path('.ssm-render.lock')}`);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(readFileSync(s.path('app.env'), 'utf8')).toBe('OLD\n');
    } finally {
      holder.kill();
    }
  });
});

describe.skipIf(!ROOT)('commitFiles: a directory that cannot be looked at', () => {
  it('is taken as writable by anyone: a file there owned by another user is refused', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    chownSync(s.path('app.env'), 1234, 1234);
    chmodSync(s.dir, 0o755);
    const { fs } = recordingFs((op, path) => (op === 'stat' && path === s.dir ? 'ENOENT' : undefined));
    const error = await failure(commitFiles([file('app.env', 'NEW\n')], { fs }));
    expect(error.message).toContain(`its directory ${s.dir} is writable by other users and the file there belongs to uid 1234 gid 1234`);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('OLD\n');
  });
});
