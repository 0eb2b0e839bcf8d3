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
 * Write bytes to a new temp file beside the destination, created 0600, then owned, moded and
 * fsynced, ready to be renamed over it. On failure the temp file is gone.
 */
export async function stage(fs: CommitFs, request: StageRequest, signal?: AbortSignal): Promise<string> {
  const temp = tempName(request.destination);
  let handle;
  // Tracked before it exists: a forced exit right after the open must still find it.
  track(temp);
  try {
    handle = await fs.open(temp, 'wx', 0o600);
  } catch (error) {
    untrack(temp);
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
    return temp;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    untrack(temp);
    if (signal?.aborted) throw error;
    throw writeError('write', request.destination, error);
  }
}
