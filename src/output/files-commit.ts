import { dirname } from 'node:path';
import { WriteError } from '../errors';
import { checkPrivately } from './check/dry-run';
import { hasCheck, runChecks, type Staged } from './check/run-checks';
import { ensureDirectory, syncDirectories } from './directories';
import type { CommitFs } from './fs';
import { writeInPlace } from './in-place';
import { inspect, type Existing } from './inspect';
import { lockDirectories } from './lock';
import { ownerDiffers, ownerFor, processIdentity, type DirectoryInfo, type Identity, type Owner } from './owner-policy';
import { rollBack, type Applied, type RollbackOutcome } from './rollback';
import { removeUnusedSnapshots } from './snapshot/cleanup';
import { stage } from './stage';
import { removeStaleTemps, tempsBeside, untrack } from './temps';
import type { CommitOptions, CommitResult, FileToWrite } from './types';
import { writeError } from './write-error';

interface Step {
  readonly file: FileToWrite;
  readonly before: Existing | undefined;
  readonly owner: Owner | undefined;
  /** replace: new bytes; fix: same bytes, mode or owner to mend; remove: a regular file to unlink; none: nothing to do. */
  readonly action: 'replace' | 'fix' | 'remove' | 'none';
}

async function plan(fs: CommitFs, files: readonly FileToWrite[], self: Identity): Promise<Step[]> {
  // A stale name that is now a directory (or unreadable) is not ours to remove, and blocks nothing.
  const befores = await Promise.all(files.map((f) => (f.remove ? inspect(fs, f.destination).catch(() => undefined) : inspect(fs, f.destination))));
  const dirs = new Map<string, DirectoryInfo>();
  for (const dir of new Set(files.map((f) => dirname(f.destination)))) {
    const info = await fs.stat(dir).catch(() => undefined);
    if (info) dirs.set(dir, { path: dir, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid });
  }
  // A directory that vanished meanwhile is taken as writable by anyone: the safe assumption.
  const dirOf = (f: FileToWrite) => () => dirs.get(dirname(f.destination)) ?? { path: dirname(f.destination), mode: 0o777, uid: -1, gid: -1 };
  return files.map((file, i) => {
    const before = befores[i];
    // Only a regular file is removed: whatever replaced it since (a symlink, a FIFO) is not ours.
    if (file.remove) return { file, before, owner: undefined, action: before?.kind === 'file' ? 'remove' : 'none' };
    const owner = ownerFor(file, before, dirOf(file), self);
    if (!before?.content?.equals(file.content)) return { file, before, owner, action: 'replace' };
    return { file, before, owner, action: before.mode !== file.mode || ownerDiffers(owner, before) ? 'fix' : 'none' };
  });
}

const changes = (s: Step) => s.action === 'replace' || s.action === 'remove';

function summary(steps: readonly Step[]): CommitResult {
  const removed = steps.filter((s) => s.action === 'remove').map((s) => s.file.destination);
  return {
    written: steps.filter(changes).map((s) => s.file.destination),
    unchanged: steps.filter((s) => !changes(s) && !s.file.remove).map((s) => s.file.destination),
    ...(removed.length > 0 && { removed }),
  };
}

/** Phase one: every changed file to a temp file beside it; on any failure, none is left. */
async function stageAll(fs: CommitFs, steps: readonly Step[], signal: AbortSignal | undefined): Promise<Map<Step, string>> {
  const staged = new Map<Step, string>();
  try {
    for (const step of steps.filter((s) => s.action === 'replace')) {
      signal?.throwIfAborted();
      staged.set(step, await stage(fs, { ...step.file, owner: step.owner }, signal));
    }
    signal?.throwIfAborted();
    return staged;
  } catch (error) {
    await discard(fs, staged.values());
    throw error;
  }
}

/** The changed files that have a check, at their temp file. */
function stagedChecks(staged: ReadonlyMap<Step, string>): Staged[] {
  return [...staged].flatMap(([{ file }, path]) => (hasCheck(file) ? [{ file, path }] : []));
}

async function discard(fs: CommitFs, temps: Iterable<string>): Promise<void> {
  for (const temp of temps) {
    untrack(temp);
    await fs.unlink(temp).catch(() => undefined);
  }
}

async function fixAttributes(fs: CommitFs, step: Step & { before: Existing }): Promise<void> {
  try {
    if (step.owner && ownerDiffers(step.owner, step.before)) await fs.chown(step.file.destination, step.owner.uid, step.owner.gid);
    if (step.before.mode !== step.file.mode) await fs.chmod(step.file.destination, step.file.mode);
  } catch (error) {
    throw writeError('own', step.file.destination, error);
  }
}

/** Rename the temp over the destination; a single-file bind mount (EBUSY) is rewritten in place. */
async function replace(fs: CommitFs, step: Step, temp: string, applied: Applied[], options: CommitOptions): Promise<void> {
  const { destination } = step.file;
  try {
    await fs.rename(temp, destination);
    untrack(temp);
    applied.push({ kind: 'replaced', destination, before: step.before });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EBUSY' || step.before?.kind !== 'file') throw writeError('rename', destination, error);
  }
  applied.push({ kind: 'in-place', destination, before: step.before });
  await writeInPlace(fs, { ...step.file, owner: step.owner }).catch((inner: unknown) => {
    throw writeError('write', destination, inner);
  });
  await discard(fs, [temp]);
  options.onInPlaceWrite?.(destination);
}

/** Unlink a file a directory's manifest lists and whose key is gone; a rollback puts its bytes back. */
async function remove(fs: CommitFs, step: Step, applied: Applied[]): Promise<void> {
  const { destination } = step.file;
  try {
    await fs.unlink(destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw writeError('remove', destination, error);
  }
  applied.push({ kind: 'replaced', destination, before: step.before });
}

/** How the error reads once the commit is undone: which destinations were put back, which could not be. */
function undone(error: unknown, outcome: RollbackOutcome): unknown {
  if (!(error instanceof WriteError)) return error;
  const notes = outcome.restored.length > 0 ? [`rolled back ${outcome.restored.join(', ')}`] : [];
  for (const f of outcome.failed) notes.push(`could not roll back ${f.destination} (${f.code}), which keeps the new content`);
  if (outcome.failed.length === 0) notes.push('no destination changed');
  return new WriteError(`${error.message}; ${notes.join('; ')}`, error.path, { hint: error.hint, cause: error.cause });
}

/** Phase two: mend attributes and rename, in order; if any step fails, undo the ones before it. */
async function applyAll(fs: CommitFs, steps: readonly Step[], staged: Map<Step, string>, self: Identity, options: CommitOptions): Promise<void> {
  const applied: Applied[] = [];
  try {
    for (const step of steps) {
      if (step.action === 'fix' && step.before) {
        await fixAttributes(fs, { ...step, before: step.before });
        applied.push({ kind: 'attributes', destination: step.file.destination, before: step.before });
      }
      if (step.action === 'remove') await remove(fs, step, applied);
      const temp = staged.get(step);
      if (temp) await replace(fs, step, temp, applied, options);
    }
    await syncDirectories(
      steps.filter(changes).map((s) => dirname(s.file.destination)),
      fs,
    );
  } catch (error) {
    await discard(fs, staged.values());
    throw undone(error, await rollBack(fs, applied, self));
  }
}

/**
 * `commit: files`: commit a set of rendered files, all or nothing. Under a lock on each destination
 * directory, it removes temp files a killed run left, writes every changed file to a temp file
 * beside it (if any fails, nothing has changed), runs the checks on those temp files, then mends
 * modes and owners and renames each into place; if one of those fails, the ones already done are
 * put back as they were. Unchanged files are not touched. A directory `commit: snapshot` used
 * before loses its `..data` and snapshots once no name goes through them.
 */
export async function commitEachFile(files: readonly FileToWrite[], options: CommitOptions, fs: CommitFs): Promise<CommitResult> {
  const self = options.identity ?? processIdentity();
  const destinations = files.map((f) => f.destination);
  const first = await plan(fs, files, self);
  if (options.dryRun) {
    await checkPrivately(
      fs,
      first.filter((s) => s.action === 'replace').map((s) => s.file),
      options.check ?? {},
      options.signal,
    );
    return summary(first);
  }
  // Nothing to do takes no lock: a directory watcher sees no event on an unchanged cycle.
  if (first.every((s) => s.action === 'none') && (await tempsBeside(fs, destinations)).length === 0) return summary(first);

  const dirs = [...new Set(destinations.map((d) => dirname(d)))];
  for (const dir of dirs) await ensureDirectory(dir, fs);
  const unlock = await lockDirectories(dirs, { fs, signal: options.signal, timeoutMs: options.lockTimeoutMs });
  try {
    await removeStaleTemps(fs, destinations);
    // Again, under the lock: another writer may have changed the destinations meanwhile.
    const steps = await plan(fs, files, self);
    const staged = await stageAll(fs, steps, options.signal);
    try {
      await runChecks(stagedChecks(staged), options.check ?? {}, options.signal);
    } catch (error) {
      await discard(fs, staged.values());
      throw error;
    }
    await applyAll(fs, steps, staged, self, options);
    await removeUnusedSnapshots(fs, dirs);
    return summary(steps);
  } finally {
    await unlock();
  }
}
