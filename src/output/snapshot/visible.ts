import { join } from 'node:path';
import { syncDirectories } from '../directories';
import type { CommitFs } from '../fs';
import { tempName, track, untrack, untrackDir } from '../temps';
import { writeError } from '../write-error';
import { buildSnapshot, carry } from './build';
import { visibleTarget } from './names';
import type { DirPlan, SnapshotStep } from './plan';
import { pointData } from './swap';

/** Replace `path` with a symlink to `target` in one rename (never a moment without it). */
async function replaceWithSymlink(fs: CommitFs, target: string, path: string): Promise<void> {
  const temp = tempName(path);
  track(temp);
  try {
    await fs.symlink(target, temp);
    await fs.rename(temp, path);
  } catch (error) {
    await fs.unlink(temp).catch(() => undefined);
    throw writeError('rename', path, error);
  } finally {
    untrack(temp);
  }
}

/**
 * Regular files at the names (written by `commit: files`) are put into the live snapshot as they
 * are (a hard link: the same bytes, mode and owner), so that turning each name into a symlink
 * changes nothing a reader sees. Without a live snapshot, one is made of them first.
 */
async function seed(fs: CommitFs, plan: DirPlan, seeds: readonly SnapshotStep[], now: () => Date): Promise<string> {
  const { dir } = plan;
  if (plan.live === undefined) {
    const name = await buildSnapshot(fs, dir, now, async (path) => {
      for (const s of seeds) await carry(fs, s.file.destination, join(path, s.name));
    });
    try {
      await pointData(fs, dir, name);
    } catch (error) {
      await fs.rm(join(dir, name), { recursive: true, force: true }).catch(() => undefined);
      throw error;
    } finally {
      untrackDir(join(dir, name));
    }
    return name;
  }
  const live = join(dir, plan.live);
  for (const s of seeds) {
    const temp = tempName(join(live, s.name));
    track(temp);
    try {
      await carry(fs, s.file.destination, temp);
      await fs.rename(temp, join(live, s.name)).catch((error: unknown) => {
        throw writeError('rename', join(live, s.name), error);
      });
    } finally {
      untrack(temp);
      await fs.unlink(temp).catch(() => undefined);
    }
  }
  await syncDirectories([live], fs);
  return plan.live;
}

/**
 * Make every name of a directory a symlink through `..data` before the swap: a name that was
 * absent stays absent until the swap (its target is not in the live snapshot), a regular file
 * keeps its bytes (seeded into the live snapshot), anything else (another symlink, a FIFO) is
 * replaced. Resolves to the live snapshot afterwards, which seeding may have created.
 */
export async function linkNames(fs: CommitFs, plan: DirPlan, now: () => Date): Promise<string | undefined> {
  const seeds = plan.steps.filter((s) => s.visible === 'file');
  const live = seeds.length > 0 ? await seed(fs, plan, seeds, now) : plan.live;
  const unlinked = plan.steps.filter((s) => s.visible !== 'linked');
  for (const s of unlinked) await replaceWithSymlink(fs, visibleTarget(s.name), s.file.destination);
  if (unlinked.length > 0) await syncDirectories([plan.dir], fs);
  return live;
}
