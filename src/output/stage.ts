import type { CommitFs } from './fs';
import type { Owner } from './owner-policy';
import { tempName, track, untrack } from './temps';
import { writeError } from './write-error';

export interface StageRequest {
  readonly destination: string;
  readonly content: Buffer;
  readonly mode: number;
  readonly owner: Owner | undefined;
}

const CHUNK = 1 << 20;

/**
 * Create `path` (it must not exist), created 0600, write the bytes, then set owner and mode and
 * fsync. On failure the file is gone and the error (a WriteError naming the destination, or the
 * abort's reason) is thrown.
 */
export async function writeNew(fs: CommitFs, path: string, request: StageRequest, signal?: AbortSignal): Promise<void> {
  let handle;
  try {
    handle = await fs.open(path, 'wx', 0o600);
  } catch (error) {
    throw writeError('create', request.destination, error);
  }
  try {
    // In chunks, so that a stop request is honoured within one chunk even for a large file.
    for (let at = 0; at < request.content.length; at += CHUNK) {
      signal?.throwIfAborted();
      await handle.write(request.content, at, Math.min(CHUNK, request.content.length - at), at);
    }
    if (request.owner) await handle.chown(request.owner.uid, request.owner.gid);
    await handle.chmod(request.mode);
    await handle.sync();
    await handle.close();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(path).catch(() => undefined);
    if (signal?.aborted) throw error;
    throw writeError('write', request.destination, error);
  }
}

/** Write bytes to a new temp file beside the destination, ready to be renamed over it. On failure the temp file is gone. */
export async function stage(fs: CommitFs, request: StageRequest, signal?: AbortSignal): Promise<string> {
  const temp = tempName(request.destination);
  // Tracked before it exists: a forced exit right after the open must still find it.
  track(temp);
  try {
    await writeNew(fs, temp, request, signal);
    return temp;
  } catch (error) {
    untrack(temp);
    throw error;
  }
}
