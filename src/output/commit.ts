import { dirname } from 'node:path';
import { killRunningChecks } from './check/run-check';
import { commitWithDirectories } from './directory/commit-directories';
import { commitEachFile } from './files-commit';
import { nodeFs } from './fs';
import { lockDirectories, releaseLocksNow } from './lock';
import { commitSnapshot } from './snapshot/commit-snapshot';
import { abandonTemps, removeStaleTemps, tempsBeside } from './temps';
import type { CommitFs } from './fs';
import type { CommitOptions, CommitResult, FileToWrite } from './types';

export type { CheckOptions, CommitMode, CommitOptions, CommitResult, DirectoryFile, FileCheck, FileToWrite } from './types';

/**
 * Commit a set of rendered files: every changed file, or none, after each template's check has
 * accepted its new file. `mode` says what a reader sees meanwhile: `files` (the default) renames
 * each file into place, one after the other; `snapshot` swaps every file of a directory at once.
 * A file with `files` is a directory (`format: files`): one file per entry, and its stale files removed.
 */
export function commitFiles(files: readonly FileToWrite[], options: CommitOptions = {}): Promise<CommitResult> {
  const fs = options.fs ?? nodeFs;
  if (files.some((f) => f.files !== undefined)) return commitWithDirectories(files, options, fs, commitEachFile);
  return options.mode === 'snapshot' ? commitSnapshot(files, options, fs) : commitEachFile(files, options, fs);
}

/** Remove every temp file, snapshot in the making and lock a commit holds, and end its checks; for a process that must exit now. */
export function abandonInFlightTemps(): void {
  killRunningChecks();
  abandonTemps();
  releaseLocksNow();
}

/**
 * Remove the temp files a killed earlier run left beside these destinations, before anything else
 * can fail: a commit removes them too, but a run that fails before its commit (an outage) would
 * otherwise leave rendered secrets lying beside the files until one succeeds. Only under the
 * directory lock, so a live writer's temps are never touched; a lock another writer holds means
 * that writer's commit will clean up, so a short wait is enough and failing to lock is not an error.
 */
export async function sweepLeftoverTemps(destinations: readonly string[], fs: CommitFs = nodeFs): Promise<number> {
  if ((await tempsBeside(fs, destinations)).length === 0) return 0;
  const dirs = [...new Set(destinations.map((d) => dirname(d)))];
  const unlock = await lockDirectories(dirs, { fs, timeoutMs: SWEEP_LOCK_WAIT_MS }).catch(() => undefined);
  if (!unlock) return 0;
  try {
    const leftovers = await tempsBeside(fs, destinations);
    await removeStaleTemps(fs, destinations);
    return leftovers.length;
  } finally {
    await unlock();
  }
}

const SWEEP_LOCK_WAIT_MS = 1_000;
