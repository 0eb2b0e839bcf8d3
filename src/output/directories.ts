import { dirname } from 'node:path';
import { nodeFs, type CommitFs } from './fs';
import { writeError } from './write-error';

export const DIRECTORY_MODE = 0o750;

/** Create the missing parents of `dir`, each with mode 0750 whatever the umask. */
export async function ensureDirectory(dir: string, fs: CommitFs = nodeFs): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    try {
      if (!(await fs.stat(d)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError('use-directory', d, error);
      missing.unshift(d);
      if (dirname(d) === d) break;
    }
  }
  for (const d of missing) {
    try {
      await fs.mkdir(d, { mode: DIRECTORY_MODE });
      await fs.chmod(d, DIRECTORY_MODE);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError('create-directory', d, error);
    }
  }
}

/** Make renames durable: fsync each directory that holds one. */
export async function syncDirectories(dirs: Iterable<string>, fs: CommitFs = nodeFs): Promise<void> {
  for (const dir of new Set(dirs)) {
    try {
      const handle = await fs.open(dir, 'r');
      try {
        await handle.sync();
      } catch (error) {
        // Some file systems cannot fsync a directory; the rename itself already happened.
        if (!['EINVAL', 'ENOTSUP', 'EBADF'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw writeError('sync-directory', dir, error);
    }
  }
}
