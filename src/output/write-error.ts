import { WriteError } from '../errors';

const HINTS: Record<string, string> = {
  EACCES: 'the process cannot write there: check the directory\'s owner and mode, or the volume\'s fsGroup',
  EPERM: 'the operation is not permitted: setting uid/gid needs root or CAP_CHOWN; check the mount options',
  EROFS: 'the file system is read-only: write to a writable volume (an emptyDir, a named volume)',
  ENOSPC: 'the disk or volume is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'the destination is a directory',
  EBUSY: 'the destination is busy (a single-file bind mount?)',
};

/** A write failure naming the path, the system error and what to check. */
export function writeError(action: string, path: string, cause: unknown): WriteError {
  const code = (cause as NodeJS.ErrnoException)?.code ?? 'EIO';
  return new WriteError(`Cannot ${action} ${path} (${code})`, path, { hint: HINTS[code] ?? 'check the destination and its volume', cause });
}
