import type { CommitFs } from './fs';
import type { StageRequest } from './stage';

/**
 * Rewrite a file in place: the only way to change a file that is itself a bind mount (rename gives
 * EBUSY). Owner and mode come first, so that the new bytes never sit under the old, looser mode.
 */
export async function writeInPlace(fs: CommitFs, request: StageRequest): Promise<void> {
  const handle = await fs.open(request.destination, 'r+');
  try {
    if (request.owner) await handle.chown(request.owner.uid, request.owner.gid);
    await handle.chmod(request.mode);
    await handle.truncate(0);
    await handle.write(request.content, 0, request.content.length, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
