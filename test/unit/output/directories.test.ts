import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteError } from '../../../src/errors';
import { DIRECTORY_MODE, ensureDirectory, syncDirectories } from '../../../src/output/directories';
import { nodeFs, type CommitFs } from '../../../src/output/fs';
import { recordingFs, type Fault } from '../../support/recording-fs';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected a WriteError'),
    (e: unknown) => e as WriteError,
  );

describe('ensureDirectory', () => {
  it('creates exactly the missing parents, each 0750 from its creation on', async () => {
    const made: Array<[string, unknown]> = [];
    const fs: CommitFs = {
      ...nodeFs,
      mkdir: ((path: string, options: unknown) => (made.push([path, options]), nodeFs.mkdir(path, options as never))) as CommitFs['mkdir'],
    };
    await ensureDirectory(s.path('a/b/c'), fs);
    expect(made).toEqual([
      [s.path('a'), { mode: DIRECTORY_MODE }],
      [s.path('a/b'), { mode: DIRECTORY_MODE }],
      [s.path('a/b/c'), { mode: DIRECTORY_MODE }],
    ]);
    for (const d of ['a', 'a/b', 'a/b/c']) expect(statSync(s.path(d)).mode & 0o7777).toBe(0o750);
    made.length = 0;
    await ensureDirectory(s.path('a/b/c'), fs);
    expect(made).toEqual([]);
  });

  it('leaves an existing directory as it is', async () => {
    mkdirSync(s.path('open'), { mode: 0o755 });
    await ensureDirectory(s.path('open'));
    expect(statSync(s.path('open')).mode & 0o7777).toBe(0o755);
  });

  it('names a directory that is a file', async () => {
    writeFileSync(s.path('file'), 'x');
    const error = await failure(ensureDirectory(s.path('file')));
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toBe(`Cannot use the directory ${s.path('file')} (ENOTDIR)`);
    expect(error.hint).toBe('a part of the path is a file, not a directory');
  });

  it('names a parent it cannot look at', async () => {
    const { fs } = recordingFs((op, path) => (op === 'stat' && path === s.path('x') ? 'EACCES' : undefined));
    expect((await failure(ensureDirectory(s.path('x/y'), fs))).message).toBe(`Cannot use the directory ${s.path('x')} (EACCES)`);
  });

  it('takes a directory another writer created meanwhile (EEXIST), and names one it cannot create', async () => {
    const race: Fault = (op, path) => {
      if (op === 'mkdir' && path === s.path('raced')) {
        mkdirSync(path, { mode: 0o700 });
        return 'EEXIST';
      }
      return undefined;
    };
    await ensureDirectory(s.path('raced/inner'), recordingFs(race).fs);
    expect(statSync(s.path('raced/inner')).mode & 0o7777).toBe(0o750);

    const { fs } = recordingFs((op) => (op === 'mkdir' ? 'EACCES' : undefined));
    const error = await failure(ensureDirectory(s.path('denied/inner'), fs));
    expect(error.message).toBe(`Cannot create the directory ${s.path('denied')} (EACCES)`);
  });
});

describe('syncDirectories', () => {
  it('fsyncs each directory once, and closes it', async () => {
    const { fs, calls } = recordingFs();
    await syncDirectories([s.dir, s.dir], fs);
    expect(calls).toEqual([`open ${s.dir}`, `handle.sync ${s.dir}`, `handle.close ${s.dir}`]);
  });

  it.each(['EINVAL', 'ENOTSUP', 'EBADF'])('takes %s (a file system that cannot fsync a directory) as done, and still closes it', async (code) => {
    const { fs, calls } = recordingFs((op) => (op === 'handle.sync' ? code : undefined));
    await syncDirectories([s.dir], fs);
    expect(calls.at(-1)).toBe(`handle.close ${s.dir}`);
  });

  it('names the directory when the fsync fails otherwise, after closing it', async () => {
    const { fs, calls } = recordingFs((op) => (op === 'handle.sync' ? 'EIO' : undefined));
    const error = await failure(syncDirectories([s.dir], fs));
    expect(error.message).toBe(`Cannot sync the directory ${s.dir} (EIO)`);
    expect(calls.at(-1)).toBe(`handle.close ${s.dir}`);
  });
});
