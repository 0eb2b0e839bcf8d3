import { basename, dirname, join } from 'node:path';
import { WriteError } from '../../errors';
import { runChecks, hasCheck, type Staged } from '../check/run-checks';
import { checkPrivately } from '../check/dry-run';
import { ensureDirectory, syncDirectories } from '../directories';
import type { CommitFs } from '../fs';
import { lockDirectories } from '../lock';
import { readMountPoints } from '../mount-point';
import { ownerDiffers, processIdentity, type Identity } from '../owner-policy';
import { rollBack, type Applied } from '../rollback';
import { writeNew } from '../stage';
import { tempsBeside, untrackDir } from '../temps';
import type { CommitOptions, CommitResult, FileToWrite } from '../types';
import { writeError } from '../write-error';
import { buildSnapshot, carry } from './build';
import { removeStaleSnapshots } from './cleanup';
import { planDirectory, type DirPlan, type PlanContext, type SnapshotStep } from './plan';
import { pointData } from './swap';
import { linkNames } from './visible';

function byDirectory(files: readonly FileToWrite[]): Map<string, FileToWrite[]> {
  const dirs = new Map<string, FileToWrite[]>();
  for (const file of files) dirs.set(dirname(file.destination), [...(dirs.get(dirname(file.destination)) ?? []), file]);
  return new Map([...dirs].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function planAll(ctx: PlanContext, files: readonly FileToWrite[]): Promise<DirPlan[]> {
  const plans: DirPlan[] = [];
  for (const [dir, inDir] of byDirectory(files)) plans.push(await planDirectory(ctx, dir, inDir));
  return plans;
}

/** In the order the files were given. */
function summary(files: readonly FileToWrite[], plans: readonly DirPlan[]): CommitResult {
  const replaced = new Set(plans.flatMap((p) => p.steps.filter((s) => s.action === 'replace').map((s) => s.file.destination)));
  return {
    written: files.filter((f) => replaced.has(f.destination)).map((f) => f.destination),
    unchanged: files.filter((f) => !replaced.has(f.destination)).map((f) => f.destination),
  };
}

/** Nothing to write, mend or clean up in this directory (temp files a killed commit left count as something). */
async function idle(fs: CommitFs, plan: DirPlan): Promise<boolean> {
  if (plan.swap || plan.stale.length > 0 || plan.steps.some((s) => s.action !== 'none')) return false;
  const live = plan.live as string;
  const temps = await tempsBeside(fs, [...plan.steps.map((s) => s.file.destination), ...plan.steps.map((s) => join(plan.dir, live, s.name))]);
  return temps.length === 0;
}

/** Phase one: a new snapshot directory for each directory that needs one, every file written and fsynced. */
async function buildAll(fs: CommitFs, plans: readonly DirPlan[], options: CommitOptions, now: () => Date): Promise<Map<DirPlan, string>> {
  const built = new Map<DirPlan, string>();
  try {
    for (const plan of plans.filter((p) => p.swap)) {
      const name = await buildSnapshot(fs, plan.dir, now, async (path) => {
        for (const step of plan.steps) {
          options.signal?.throwIfAborted();
          const { file } = step;
          await writeNew(
            fs,
            join(path, step.name),
            { destination: file.destination, content: file.content, mode: file.mode, owner: step.owner },
            options.signal,
          );
        }
        for (const name of plan.carried) await carry(fs, join(plan.dir, plan.live as string, name), join(path, name));
      });
      built.set(plan, name);
    }
    options.signal?.throwIfAborted();
    return built;
  } catch (error) {
    await discard(fs, built);
    throw error;
  }
}

async function discard(fs: CommitFs, built: ReadonlyMap<DirPlan, string>): Promise<void> {
  for (const [plan, name] of built) {
    await fs.rm(join(plan.dir, name), { recursive: true, force: true }).catch(() => undefined);
    untrackDir(join(plan.dir, name));
  }
}

/** The changed files that have a check, at their path in the new snapshot, in the order they were given. */
function stagedChecks(files: readonly FileToWrite[], built: ReadonlyMap<DirPlan, string>): Staged[] {
  const staged = new Map<FileToWrite, Staged>();
  for (const [plan, name] of built) {
    for (const step of plan.steps)
      if (step.action === 'replace' && hasCheck(step.file)) staged.set(step.file, { file: step.file, path: join(plan.dir, name, step.name) });
  }
  return files.flatMap((f) => staged.get(f) ?? []);
}

async function fix(fs: CommitFs, plan: DirPlan, step: SnapshotStep & { before: NonNullable<SnapshotStep['before']> }, applied: Applied[]): Promise<void> {
  const path = join(plan.dir, plan.live as string, step.name);
  try {
    if (step.owner && ownerDiffers(step.owner, step.before)) await fs.chown(path, step.owner.uid, step.owner.gid);
    if (step.before.mode !== step.file.mode) await fs.chmod(path, step.file.mode);
  } catch (error) {
    throw writeError('own', step.file.destination, error);
  }
  applied.push({ kind: 'attributes', destination: path, before: step.before });
}

/** How the error reads once the swaps are undone. */
function undone(error: unknown, restored: readonly string[], failed: readonly string[]): unknown {
  if (!(error instanceof WriteError)) return error;
  const notes = restored.length > 0 ? [`rolled back ${restored.join(', ')}`] : [];
  for (const dir of failed) notes.push(`could not roll back ${dir}, which keeps the new snapshot`);
  if (failed.length === 0) notes.push('no destination changed');
  return new WriteError(`${error.message}; ${notes.join('; ')}`, error.path, { hint: error.hint, cause: error.cause });
}

/**
 * Phase two: names through `..data`, attributes mended where no swap is due, then one swap per
 * directory; if one fails, the swaps (and mended attributes) before it are undone. After the last
 * swap, the snapshots they replaced are removed.
 */
async function applyAll(fs: CommitFs, plans: readonly DirPlan[], built: Map<DirPlan, string>, self: Identity, now: () => Date): Promise<void> {
  const previous = new Map<DirPlan, string | undefined>();
  const swapped: DirPlan[] = [];
  const applied: Applied[] = [];
  try {
    for (const plan of plans.filter((p) => built.has(p))) previous.set(plan, await linkNames(fs, plan, now));
    for (const plan of plans.filter((p) => !built.has(p))) {
      for (const step of plan.steps) if (step.action === 'fix' && step.before) await fix(fs, plan, { ...step, before: step.before }, applied);
    }
    for (const [plan, name] of built) {
      await pointData(fs, plan.dir, name);
      swapped.push(plan);
      untrackDir(join(plan.dir, name));
    }
    await syncDirectories(
      swapped.map((p) => p.dir),
      fs,
    );
  } catch (error) {
    const restored: string[] = [];
    const failed: string[] = [];
    for (const plan of swapped.reverse()) {
      const ok = await pointData(fs, plan.dir, previous.get(plan)).then(
        () => true,
        () => false,
      );
      (ok ? restored : failed).push(plan.dir);
    }
    await syncDirectories(
      swapped.map((p) => p.dir),
      fs,
    ).catch(() => undefined);
    const attributes = await rollBack(fs, applied, self);
    await discard(fs, new Map([...built].filter(([plan]) => !failed.includes(plan.dir))));
    throw undone(error, [...restored, ...attributes.restored], [...failed, ...attributes.failed.map((f) => f.destination)]);
  }
  // Best effort: a snapshot left here is removed as stale by the next commit.
  for (const plan of swapped) {
    const old = previous.get(plan);
    if (old !== undefined) await fs.rm(join(plan.dir, old), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Commit a set of files as one snapshot per destination directory (kubelet's AtomicWriter). Under
 * the directory lock: what a killed commit left is removed; a new `..<timestamp>` directory gets
 * every file (changed or not, plus the live snapshot's files this commit does not write), each
 * fsynced, then the directory; the checks run on the files there; each name becomes a symlink
 * `name -> ..data/name` (a regular file is first seeded into the live snapshot, so readers see no
 * change); then one rename of a new `..data` symlink swaps each directory to its new snapshot, and
 * the old one is removed. A directory whose files are all unchanged is not touched.
 */
export async function commitSnapshot(files: readonly FileToWrite[], options: CommitOptions, fs: CommitFs): Promise<CommitResult> {
  const self = options.identity ?? processIdentity();
  const now = options.now ?? (() => new Date());
  const ctx: PlanContext = { fs, self, mountPoints: options.mountPoints ?? readMountPoints };
  const first = await planAll(ctx, files);
  if (options.dryRun) {
    const changed = first.flatMap((p) => p.steps.filter((s) => s.action === 'replace').map((s) => s.file));
    await checkPrivately(fs, changed, options.check ?? {}, options.signal);
    return summary(files, first);
  }
  // Nothing to do takes no lock: a directory watcher sees no event on an unchanged cycle.
  if ((await Promise.all(first.map((plan) => idle(fs, plan)))).every(Boolean)) return summary(files, first);

  const dirs = first.map((p) => p.dir);
  for (const dir of dirs) await ensureDirectory(dir, fs);
  const unlock = await lockDirectories(dirs, { fs, signal: options.signal, timeoutMs: options.lockTimeoutMs });
  try {
    for (const [dir, inDir] of byDirectory(files))
      await removeStaleSnapshots(
        fs,
        dir,
        inDir.map((f) => basename(f.destination)),
      );
    // Again, under the lock and clean: another writer may have changed the directories meanwhile.
    const plans = await planAll(ctx, files);
    const built = await buildAll(fs, plans, options, now);
    try {
      await runChecks(stagedChecks(files, built), options.check ?? {}, options.signal);
    } catch (error) {
      await discard(fs, built);
      throw error;
    }
    await applyAll(fs, plans, built, self, now);
    return summary(files, plans);
  } finally {
    await unlock();
  }
}
