import { describe, expect, it } from 'vitest';
import { WriteError } from '../../../src/errors';
import { writeError, type WriteAction } from '../../../src/output/write-error';

const errno = (code: string) => Object.assign(new Error(`${code}: failed`), { code });

describe('writeError', () => {
  it.each<[WriteAction, string]>([
    ['read', 'Cannot read /d/app.env (EACCES)'],
    ['create', 'Cannot create a file in the directory of /d/app.env (EACCES)'],
    ['write', 'Cannot write /d/app.env (EACCES)'],
    ['own', 'Cannot set the mode or owner of /d/app.env (EACCES)'],
    ['rename', 'Cannot rename a temp file onto /d/app.env (EACCES)'],
    ['lock', 'Cannot lock the directory /d/app.env (EACCES)'],
    ['use-directory', 'Cannot use the directory /d/app.env (EACCES)'],
    ['create-directory', 'Cannot create the directory /d/app.env (EACCES)'],
    ['sync-directory', 'Cannot sync the directory /d/app.env (EACCES)'],
  ])('names the action %s, the path and the system code', (action, message) => {
    const error = writeError(action, '/d/app.env', errno('EACCES'));
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toBe(message);
    expect(error.path).toBe('/d/app.env');
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.exitCode).toBe(5);
  });

  it.each([
    ['EACCES', "the process cannot write there: check the directory's owner and mode, or the volume's fsGroup"],
    ['EPERM', 'the operation is not permitted: check the mount options and whether the file is immutable (lsattr)'],
    ['EROFS', 'the file system is read-only: write to a writable volume (an emptyDir, a named volume)'],
    ['ENOSPC', 'the disk or volume is full'],
    ['EDQUOT', 'the disk quota is exhausted'],
    ['ENOTDIR', 'a part of the path is a file, not a directory'],
    ['EISDIR', 'the destination is a directory'],
    ['EBUSY', 'the destination is busy (a single-file bind mount?)'],
    ['EMFILE', 'check the destination and its volume'],
  ])('hints what to check for %s', (code, hint) => {
    expect(writeError('write', '/d/app.env', errno(code)).hint).toBe(hint);
  });

  it.each<[WriteAction, string, string]>([
    ['own', 'EPERM', 'setting uid/gid needs root or CAP_CHOWN: run as root or drop uid/gid from the template'],
    [
      'rename',
      'EPERM',
      'the destination cannot be replaced: it is immutable or append-only (lsattr), or it sits in a sticky directory and belongs to another user',
    ],
    ['rename', 'ENOTEMPTY', 'the destination is a directory: remove it or choose another destination'],
    ['rename', 'EXDEV', 'the destination is a mount point of its own: mount its directory instead'],
    ['lock', 'EEXIST', 'another ssm-render is writing these files: run one writer per directory, or wait for it to finish'],
  ])('hints what %s means when %s fails with it, over the general hint', (action, code, hint) => {
    expect(writeError(action, '/d/app.env', errno(code)).hint).toBe(hint);
  });

  it('falls back to the general hint for a code the action has no hint of its own for', () => {
    expect(writeError('rename', '/d/app.env', errno('ENOSPC')).hint).toBe('the disk or volume is full');
  });

  it('reads a failure without a code, or no error object at all, as EIO', () => {
    expect(writeError('write', '/d/app.env', new Error('odd')).message).toBe('Cannot write /d/app.env (EIO)');
    expect(writeError('write', '/d/app.env', undefined).message).toBe('Cannot write /d/app.env (EIO)');
    expect(writeError('write', '/d/app.env', null).hint).toBe('check the destination and its volume');
  });
});
