import { randomBytes } from 'node:crypto';
import { unlinkSync } from 'node:fs';
import { chmod, chown, lstat, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ensureDirectory, syncDirectory } from './directories';
import { writeError } from './write-error';

export interface FileToWrite {
  readonly destination: string;
  readonly content: Buffer;
  readonly mode: number;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

export interface CommitResult {
  /** Destinations whose bytes changed (or would change, in a dry run). */
  readonly written: readonly string[];
  /** Destinations left untouched: same bytes, same inode, same mtime. */
  readonly unchanged: readonly string[];
}

export interface CommitOptions {
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal | undefined;
  /** A rename could not replace the file (EBUSY: a single-file bind mount) and it was rewritten in place. */
  readonly onInPlaceWrite?: ((destination: string) => void) | undefined;
}

interface Existing {
  readonly content: Buffer | undefined;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

const TEMP_MARK = '.ssm-render-';
const CHUNK = 1 << 20;

/** Temp files being written right now, so that a forced exit can still remove them. */
const inFlight = new Set<string>();

/** Remove every temp file a commit is writing; for a process that must exit now. */
export function abandonInFlightTemps(): void {
  for (const temp of inFlight) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or removed
    }
  }
  inFlight.clear();
}
const tempName = (destination: string) => join(dirname(destination), `.${basename(destination)}${TEMP_MARK}${randomBytes(6).toString('hex')}.tmp`);

async function inspect(destination: string): Promise<Existing | undefined> {
  try {
    const info = await lstat(destination);
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    // A symlink is replaced, never followed: its bytes are not compared.
    const content = info.isFile() ? await readFile(destination) : undefined;
    return { content, mode: info.mode & 0o7777, uid: info.uid, gid: info.gid };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw writeError('read', destination, error);
  }
}

/** Owner to set: the configured one, else the existing file's (kept across re-renders when we may). */
function owner(file: FileToWrite, existing: Existing | undefined): { uid: number; gid: number } | undefined {
  if (file.uid !== undefined || file.gid !== undefined) return { uid: file.uid ?? -1, gid: file.gid ?? -1 };
  const self = { uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 };
  if (existing && self.uid === 0 && (existing.uid !== self.uid || existing.gid !== self.gid)) return { uid: existing.uid, gid: existing.gid };
  return undefined;
}

/** Remove temp files a killed earlier run left beside this destination. */
async function removeStaleTemps(destination: string): Promise<void> {
  const prefix = `.${basename(destination)}${TEMP_MARK}`;
  const names = await readdir(dirname(destination)).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(prefix) && n.endsWith('.tmp')).map((n) => unlink(join(dirname(destination), n)).catch(() => undefined)));
}

/** Write the new bytes to a temp file in the destination's own directory: fsynced, moded, owned. */
async function stage(file: FileToWrite, existing: Existing | undefined, signal: AbortSignal | undefined): Promise<string> {
  await ensureDirectory(dirname(file.destination));
  await removeStaleTemps(file.destination);
  const temp = tempName(file.destination);
  let handle;
  // Tracked before it exists: a forced exit right after the open must still find it.
  inFlight.add(temp);
  try {
    handle = await open(temp, 'wx', 0o600);
  } catch (error) {
    inFlight.delete(temp);
    throw writeError('create a file in the directory of', file.destination, error);
  }
  try {
    // In chunks, so that a stop request is honoured within one chunk even for a large file.
    for (let at = 0; at < file.content.length; at += CHUNK) {
      signal?.throwIfAborted();
      await handle.write(file.content, at, Math.min(CHUNK, file.content.length - at), at);
    }
    await handle.chmod(file.mode);
    const who = owner(file, existing);
    if (who) await handle.chown(who.uid, who.gid);
    await handle.sync();
    await handle.close();
    return temp;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    inFlight.delete(temp);
    if (signal?.aborted) throw error;
    throw writeError('write', file.destination, error);
  }
}

/** Rewrite in place: the only way to change a file that is itself a bind mount (rename gives EBUSY). */
async function writeInPlace(file: FileToWrite): Promise<void> {
  const handle = await open(file.destination, 'r+');
  try {
    await handle.truncate(0);
    await handle.write(file.content, 0, file.content.length, 0);
    await handle.chmod(file.mode);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function fixAttributes(file: FileToWrite, existing: Existing): Promise<void> {
  try {
    if (existing.mode !== file.mode) await chmod(file.destination, file.mode);
    const who = owner(file, existing);
    if (who && ((who.uid !== -1 && who.uid !== existing.uid) || (who.gid !== -1 && who.gid !== existing.gid))) {
      await chown(file.destination, who.uid, who.gid);
    }
  } catch (error) {
    throw writeError('set the mode or owner of', file.destination, error);
  }
}

/**
 * Commit a set of rendered files. Phase one writes every changed file to a temp file beside its
 * destination; if any fails, every temp file is removed and no destination has changed. Phase two
 * renames each into place and fsyncs the directories. Unchanged files are not touched.
 */
export async function commitFiles(files: readonly FileToWrite[], options: CommitOptions = {}): Promise<CommitResult> {
  const existing = await Promise.all(files.map((f) => inspect(f.destination)));
  const changed: Array<{ file: FileToWrite; before: Existing | undefined }> = [];
  const unchanged: string[] = [];
  files.forEach((file, i) => {
    const before = existing[i];
    if (before?.content?.equals(file.content)) unchanged.push(file.destination);
    else changed.push({ file, before });
  });
  if (options.dryRun) return { written: changed.map((c) => c.file.destination), unchanged };

  for (const [i, file] of files.entries()) {
    const before = existing[i];
    if (before && unchanged.includes(file.destination)) await fixAttributes(file, before);
  }

  const staged: string[] = [];
  try {
    for (const { file, before } of changed) {
      options.signal?.throwIfAborted();
      staged.push(await stage(file, before, options.signal));
    }
    options.signal?.throwIfAborted();
  } catch (error) {
    await Promise.all(staged.map((t) => unlink(t).catch(() => undefined)));
    staged.forEach((t) => inFlight.delete(t));
    throw error;
  }

  for (const [i, { file }] of changed.entries()) {
    const temp = staged[i] as string;
    try {
      await rename(temp, file.destination);
      inFlight.delete(temp);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EBUSY' && changed[i]?.before) {
        await writeInPlace(file).catch((inner: unknown) => {
          throw writeError('write', file.destination, inner);
        });
        await unlink(temp).catch(() => undefined);
        inFlight.delete(temp);
        options.onInPlaceWrite?.(file.destination);
        continue;
      }
      await Promise.all(staged.slice(i).map((t) => unlink(t).catch(() => undefined)));
      staged.slice(i).forEach((t) => inFlight.delete(t));
      throw writeError('rename a temp file onto', file.destination, error);
    }
  }
  for (const dir of new Set(changed.map((c) => dirname(c.file.destination)))) {
    await syncDirectory(dir).catch((error: unknown) => {
      throw writeError('sync the directory', dir, error);
    });
  }
  return { written: changed.map((c) => c.file.destination), unchanged };
}
