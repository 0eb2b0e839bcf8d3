import { killRunningChecks } from './check/run-check';
import { commitWithDirectories } from './directory/commit-directories';
import { commitEachFile } from './files-commit';
import { nodeFs } from './fs';
import { releaseLocksNow } from './lock';
import { commitSnapshot } from './snapshot/commit-snapshot';
import { abandonTemps } from './temps';
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
