import { ConfigError, WriteError } from '../../errors';
import type { CommitFs } from '../fs';
import { processIdentity } from '../owner-policy';
import type { CommitOptions, CommitResult, FileToWrite } from '../types';
import { expandDirectory, refuseUnsafeNames, type DirectoryToWrite, type Expanded } from './expand';

const isDirectory = (f: FileToWrite): f is DirectoryToWrite => f.files !== undefined;

/** A path or message through a descriptor, back to the real paths a person knows. */
function relabel(expanded: readonly Expanded[]) {
  const path = (p: string) => expanded.reduce((acc, e) => e.dirs.realPath(acc), p);
  const text = (t: string) => expanded.reduce((acc, e) => e.dirs.realText(acc), t);
  return { path, text };
}

/**
 * Commit files and `format: files` directories in one all-or-nothing commit: each directory becomes
 * its files (reached through verified descriptors), the removals of its stale files and its
 * manifest, committed with every other file by `commit`. Names are checked first: an unsafe one
 * fails the run before anything is created. The result names real paths, never the manifest.
 */
export async function commitWithDirectories(
  files: readonly FileToWrite[],
  options: CommitOptions,
  fs: CommitFs,
  commit: (files: readonly FileToWrite[], options: CommitOptions, fs: CommitFs) => Promise<CommitResult>,
): Promise<CommitResult> {
  const directories = files.filter(isDirectory);
  for (const d of directories) refuseUnsafeNames(d);
  if (directories.length > 0 && options.mode === 'snapshot') {
    throw new ConfigError('`format: files` cannot be committed with `commit: snapshot` yet', { hint: 'use `commit: files` (the default)' });
  }
  const self = options.identity ?? processIdentity();
  const expanded: Expanded[] = [];
  const { path, text } = relabel(expanded);
  try {
    const all: FileToWrite[] = [];
    for (const f of files) {
      if (!isDirectory(f)) {
        all.push(f);
        continue;
      }
      const e = await expandDirectory(fs, f, { dryRun: options.dryRun === true, self, onIgnored: options.onManifestIgnored });
      expanded.push(e);
      all.push(...e.files);
    }
    const result = await commit(all, options, fs);
    const manifests = new Set(expanded.map((e) => e.manifest));
    const shown = (list: readonly string[] | undefined) => (list ?? []).filter((p) => !manifests.has(p)).map(path);
    return { written: shown(result.written), unchanged: shown(result.unchanged), removed: shown(result.removed) };
  } catch (error) {
    if (!(error instanceof WriteError) || expanded.length === 0) throw error;
    throw new WriteError(text(error.message), path(error.path), { hint: error.hint === undefined ? undefined : text(error.hint), cause: error.cause });
  } finally {
    for (const e of expanded) await e.dirs.close();
  }
}
