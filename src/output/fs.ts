import * as promises from 'node:fs/promises';

/**
 * The file-system calls a commit makes. Production uses node:fs/promises; a test passes a wrapper
 * to observe their order (fsync before rename, mode before content) or to inject a fault.
 */
export type CommitFs = Pick<
  typeof promises,
  | 'chmod'
  | 'chown'
  | 'copyFile'
  | 'link'
  | 'lstat'
  | 'mkdir'
  | 'mkdtemp'
  | 'open'
  | 'readdir'
  | 'readFile'
  | 'readlink'
  | 'realpath'
  | 'rename'
  | 'rm'
  | 'stat'
  | 'symlink'
  | 'unlink'
  | 'utimes'
>;

export const nodeFs: CommitFs = promises;
