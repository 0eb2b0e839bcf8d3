import type { CommitFs } from './fs';
import { writeError } from './write-error';

/** What is at a destination before a commit: enough to compare against and to put back. */
export interface Existing {
  /** A regular file, a symlink (replaced, never followed), or anything else (a FIFO, a socket). */
  readonly kind: 'file' | 'symlink' | 'other';
  /** The bytes of a regular file. */
  readonly content: Buffer | undefined;
  /** Where a symlink points. */
  readonly target: string | undefined;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** Look at a destination without following a symlink; undefined when nothing is there. */
export async function inspect(fs: CommitFs, destination: string): Promise<Existing | undefined> {
  try {
    const info = await fs.lstat(destination);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    const kind = info.isFile() ? 'file' : info.isSymbolicLink() ? 'symlink' : 'other';
    const content = kind === 'file' ? await fs.readFile(destination) : undefined;
    const target = kind === 'symlink' ? await fs.readlink(destination) : undefined;
    return { kind, content, target, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw writeError('read', destination, error);
  }
}
