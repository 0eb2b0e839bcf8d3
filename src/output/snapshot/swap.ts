import { join } from 'node:path';
import type { CommitFs } from '../fs';
import { track, untrack } from '../temps';
import { writeError } from '../write-error';
import { DATA_LINK, DATA_TMP } from './names';

/**
 * Point `..data` at `target` with one rename of a new symlink over it: readers see the old snapshot
 * or the new one, never a mix. Undefined removes `..data` (a rollback to before the first snapshot).
 */
export async function pointData(fs: CommitFs, dir: string, target: string | undefined): Promise<void> {
  const link = join(dir, DATA_LINK);
  const temp = join(dir, DATA_TMP);
  if (target === undefined) {
    await fs.unlink(link).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw writeError('swap', link, error);
    });
    return;
  }
  track(temp);
  try {
    await fs.symlink(target, temp);
    await fs.rename(temp, link);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw writeError('swap', link, error);
  } finally {
    untrack(temp);
  }
}
