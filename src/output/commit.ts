import { killRunningChecks } from './check/run-check';
import { commitEachFile } from './files-commit';
import { nodeFs } from './fs';
import { releaseLocksNow } from './lock';
import { commitSnapshot } from './snapshot/commit-snapshot';
import { abandonTemps } from './temps';
import type { CommitOptions, CommitResult, FileToWrite } from './types';

export type { CheckOptions, CommitMode, CommitOptions, CommitResult, FileCheck, FileToWrite } from './types';

/**
 * Commit a set of rendered files: every changed file, or none, after each template's check has
 * accepted its new file. `mode` says what a reader sees meanwhile: `files` (the default) renames
 * each file into place, one after the other; `snapshot` swaps every file of a directory at once.
 */
export function commitFiles(files: readonly FileToWrite[], options: CommitOptions = {}): Promise<CommitResult> {
  const fs = options.fs ?? nodeFs;
  return options.mode === 'snapshot' ? commitSnapshot(files, options, fs) : commitEachFile(files, options, fs);
}

/** Remove every temp file, snapshot in the making and lock a commit holds, and end its checks; for a process that must exit now. */
export function abandonInFlightTemps(): void {
  killRunningChecks();
  abandonTemps();
  releaseLocksNow();
}
