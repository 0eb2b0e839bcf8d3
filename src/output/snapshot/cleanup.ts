import { join } from 'node:path';
import type { CommitFs } from '../fs';
import { removeStaleTemps } from '../temps';
import { writeError } from '../write-error';
import { DATA_LINK, DATA_TMP, isSnapshotName } from './names';

const remove = (fs: CommitFs, path: string) =>
  fs.rm(path, { recursive: true, force: true }).catch((error: unknown) => {
    throw writeError('remove', path, error);
  });

/**
 * Under the lock: remove what a killed snapshot commit left in a directory: `..data_tmp`, snapshot
 * directories `..data` does not point to, temp symlinks beside the names and temp files in the live
 * snapshot.
 */
export async function removeStaleSnapshots(fs: CommitFs, dir: string, names: readonly string[]): Promise<void> {
  const entries = await fs.readdir(dir).catch(() => [] as string[]);
  const live = entries.includes(DATA_LINK) ? await fs.readlink(join(dir, DATA_LINK)).catch(() => undefined) : undefined;
  for (const name of entries.filter((n) => n === DATA_TMP || (isSnapshotName(n) && n !== live))) await remove(fs, join(dir, name));
  await removeStaleTemps(
    fs,
    names.map((n) => join(dir, n)),
  );
  if (live !== undefined && !live.includes('/')) {
    await removeStaleTemps(
      fs,
      names.map((n) => join(dir, live, n)),
    );
  }
}

/** Whether any name in `dir` is a symlink through `..data`. */
async function inUse(fs: CommitFs, dir: string, entries: readonly string[]): Promise<boolean> {
  for (const name of entries.filter((n) => !n.startsWith('..'))) {
    const target = await fs.readlink(join(dir, name)).catch(() => undefined);
    if (target?.startsWith(`${DATA_LINK}/`)) return true;
  }
  return false;
}

/**
 * After a `commit: files` commit (under its lock): a directory that `commit: snapshot` used before
 * and whose names no longer go through `..data` loses `..data` and every snapshot directory. The
 * live one goes before `..data`, so that a kill in between leaves a dangling `..data` the next
 * commit still finds.
 */
export async function removeUnusedSnapshots(fs: CommitFs, dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    const entries = await fs.readdir(dir).catch(() => [] as string[]);
    if (!entries.includes(DATA_LINK) || (await inUse(fs, dir, entries))) continue;
    const live = await fs.readlink(join(dir, DATA_LINK)).catch(() => undefined);
    for (const name of entries.filter((n) => n === DATA_TMP || (isSnapshotName(n) && n !== live))) await remove(fs, join(dir, name));
    if (live !== undefined && isSnapshotName(live)) await remove(fs, join(dir, live));
    await fs.unlink(join(dir, DATA_LINK)).catch(() => undefined);
  }
}
