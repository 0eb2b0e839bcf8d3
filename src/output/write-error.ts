import { WriteError } from '../errors';

/** What a commit was doing when the system refused; the hint depends on it as much as on the code. */
export type WriteAction =
  'read' | 'create' | 'write' | 'own' | 'rename' | 'link' | 'swap' | 'remove' | 'lock' | 'use-directory' | 'create-directory' | 'sync-directory';

const PHRASES: Record<WriteAction, string> = {
  read: 'read',
  create: 'create a file in the directory of',
  write: 'write',
  own: 'set the mode or owner of',
  rename: 'rename a temp file onto',
  link: 'link',
  swap: 'swap the snapshot link',
  remove: 'remove',
  lock: 'lock the directory',
  'use-directory': 'use the directory',
  'create-directory': 'create the directory',
  'sync-directory': 'sync the directory',
};

const HINTS: Record<string, string> = {
  EACCES: "the process cannot write there: check the directory's owner and mode, or the volume's fsGroup",
  EPERM: 'the operation is not permitted: check the mount options and whether the file is immutable (lsattr)',
  EROFS: 'the file system is read-only: write to a writable volume (an emptyDir, a named volume)',
  ENOSPC: 'the disk or volume is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EISDIR: 'the destination is a directory',
  EBUSY: 'the destination is busy (a single-file bind mount?)',
};

/** Hints that only fit one action (EPERM means different things to chown and to rename). */
const ACTION_HINTS: Partial<Record<WriteAction, Record<string, string>>> = {
  own: { EPERM: 'setting uid/gid needs root or CAP_CHOWN: run as root or drop uid/gid from the template' },
  rename: {
    EPERM: 'the destination cannot be replaced: it is immutable or append-only (lsattr), or it sits in a sticky directory and belongs to another user',
    ENOTEMPTY: 'the destination is a directory: remove it or choose another destination',
    EXDEV: 'the destination is a mount point of its own: mount its directory instead',
  },
  lock: { EEXIST: 'another ssm-render is writing these files: run one writer per directory, or wait for it to finish' },
};

/** A write failure naming the action, the path, the system error and what to check. */
export function writeError(action: WriteAction, path: string, cause: unknown): WriteError {
  const code = (cause as NodeJS.ErrnoException)?.code ?? 'EIO';
  const hint = ACTION_HINTS[action]?.[code] ?? HINTS[code] ?? 'check the destination and its volume';
  return new WriteError(`Cannot ${PHRASES[action]} ${path} (${code})`, path, { hint, cause });
}
