import { constants } from 'node:fs';
import { join } from 'node:path';
import { WriteError } from '../../errors';
import { syncDirectories } from '../directories';
import type { CommitFs } from '../fs';
import { trackDir, untrackDir } from '../temps';
import { writeError } from '../write-error';
import { DATA_LINK, snapshotName } from './names';

/**
 * A snapshot directory's own mode, as kubelet's AtomicWriter gives it: readers of another user or
 * group must be able to pass through it; each file's own mode decides who reads it (and the
 * destination directory, 0750 when ssm-render creates it, still gates the way in).
 */
const SNAPSHOT_DIR_MODE = 0o755;

/** Codes with which a file system refuses a hard link, where a copy does the same job. */
const NO_LINK = ['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS'];

/** Put the file `from` at `to` (which must not exist): a hard link, or a copy with the same mode (and owner, when allowed). */
export async function carry(fs: CommitFs, from: string, to: string): Promise<void> {
  try {
    await fs.link(from, to);
    return;
  } catch (error) {
    if (!NO_LINK.includes((error as NodeJS.ErrnoException).code ?? '')) throw writeError('link', from, error);
  }
  try {
    await fs.copyFile(from, to, constants.COPYFILE_EXCL);
    const info = await fs.stat(from);
    await fs.chown(to, info.uid, info.gid).catch(() => undefined);
    await fs.chmod(to, info.mode & 0o7777);
  } catch (error) {
    throw writeError('write', to, error);
  }
}

/** A new, empty snapshot directory (0700); another name if one happens to exist. */
async function createSnapshotDir(fs: CommitFs, dir: string, now: () => Date): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const name = snapshotName(now());
    try {
      await fs.mkdir(join(dir, name), { mode: 0o700 });
      return name;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 4) throw writeError('create-directory', join(dir, name), error);
    }
  }
}

/**
 * Create a new snapshot directory in `dir` (0700 while it is filled, so nobody reads a part of it),
 * let `fill` write into it, then give it its mode and fsync it. It is tracked until the caller
 * untracks it (once live, or removed): a forced exit meanwhile removes it unless `..data` points
 * to it. On failure it is removed and the error thrown. Resolves to its name.
 */
export async function buildSnapshot(fs: CommitFs, dir: string, now: () => Date, fill: (path: string) => Promise<void>): Promise<string> {
  const name = await createSnapshotDir(fs, dir, now);
  const path = join(dir, name);
  trackDir(path, join(dir, DATA_LINK));
  try {
    await fill(path);
    await fs.chmod(path, SNAPSHOT_DIR_MODE);
    await syncDirectories([path], fs);
    return name;
  } catch (error) {
    await fs.rm(path, { recursive: true, force: true }).catch(() => undefined);
    untrackDir(path);
    throw error instanceof WriteError ? error : writeError('write', path, error);
  }
}
