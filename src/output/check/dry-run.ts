import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { WriteError } from '../../errors';
import type { CommitFs } from '../fs';
import { trackDir, untrackDir } from '../temps';
import { writeNew } from '../stage';
import type { CheckOptions, FileToWrite } from '../types';
import { hasCheck, runChecks } from './run-checks';

/**
 * A dry run's checks: each changed file with a check is written (0600) under a private temp
 * directory, by its own name, checked there, and removed; no destination directory is touched.
 */
export async function checkPrivately(fs: CommitFs, changed: readonly FileToWrite[], options: CheckOptions, signal: AbortSignal | undefined): Promise<void> {
  const checked = changed.filter(hasCheck);
  if (checked.length === 0) return;
  const dir = await fs.mkdtemp(join(tmpdir(), 'ssm-render-check-')).catch((error: unknown) => {
    throw new WriteError(`Cannot create a directory under ${tmpdir()} for the dry run's checks (${(error as NodeJS.ErrnoException).code ?? 'EIO'})`, tmpdir(), {
      hint: 'a dry run checks copies of the files there: set TMPDIR to a writable directory',
      cause: error,
    });
  });
  trackDir(dir);
  try {
    const staged = [];
    for (const [i, file] of checked.entries()) {
      // One sub-directory each: two destinations may share a name.
      await fs.mkdir(join(dir, String(i)), { mode: 0o700 });
      const path = join(dir, String(i), basename(file.destination));
      await writeNew(fs, path, { destination: file.destination, content: file.content, mode: 0o600, owner: undefined }, signal);
      staged.push({ file, path });
    }
    await runChecks(staged, options, signal);
  } finally {
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    untrackDir(dir);
  }
}
