import { dirname } from 'node:path';
import { syncDirectories } from './directories';
import type { CommitFs } from './fs';
import type { Existing } from './inspect';
import { writeInPlace } from './in-place';
import type { Identity, Owner } from './owner-policy';
import { stage } from './stage';
import { tempName, untrack } from './temps';

/** One change a commit made to a destination, with what was there before it. */
export type Applied =
  | { readonly kind: 'replaced'; readonly destination: string; readonly before: Existing | undefined }
  | { readonly kind: 'in-place'; readonly destination: string; readonly before: Existing }
  | { readonly kind: 'attributes'; readonly destination: string; readonly before: Existing };

export interface RollbackOutcome {
  readonly restored: readonly string[];
  readonly failed: ReadonlyArray<{ readonly destination: string; readonly code: string }>;
}

/** The old owner, when this process may set it (root, or a file that was its own). */
const oldOwner = (before: Existing, self: Identity): Owner | undefined =>
  self.uid === 0 || before.uid === self.uid ? { uid: before.uid, gid: before.gid } : undefined;

async function restoreAttributes(fs: CommitFs, destination: string, before: Existing, self: Identity): Promise<void> {
  const now = await fs.lstat(destination);
  const owner = oldOwner(before, self);
  if (owner && (now.uid !== owner.uid || now.gid !== owner.gid)) await fs.chown(destination, owner.uid, owner.gid);
  if ((now.mode & 0o7777) !== before.mode) await fs.chmod(destination, before.mode);
}

/** Put a replaced destination back as it was, atomically: a temp file (or symlink), then a rename. */
async function restoreReplaced(fs: CommitFs, destination: string, before: Existing | undefined, self: Identity): Promise<void> {
  if (!before) return void (await fs.unlink(destination));
  let temp: string;
  if (before.kind === 'file' && before.content) {
    temp = await stage(fs, { destination, content: before.content, mode: before.mode, owner: oldOwner(before, self) });
  } else if (before.kind === 'symlink' && before.target !== undefined) {
    temp = tempName(destination);
    await fs.symlink(before.target, temp);
  } else {
    throw Object.assign(new Error('a FIFO or socket cannot be put back'), { code: 'ENOTSUP' });
  }
  try {
    await fs.rename(temp, destination);
  } finally {
    untrack(temp);
    await fs.unlink(temp).catch(() => undefined);
  }
}

async function undo(fs: CommitFs, step: Applied, self: Identity): Promise<void> {
  if (step.kind === 'attributes') return restoreAttributes(fs, step.destination, step.before, self);
  if (step.kind === 'replaced') return restoreReplaced(fs, step.destination, step.before, self);
  const { before } = step;
  await writeInPlace(fs, { destination: step.destination, content: before.content ?? Buffer.alloc(0), mode: before.mode, owner: oldOwner(before, self) });
}

/** Undo what a failed commit already changed, newest first, so that no destination keeps new content. */
export async function rollBack(fs: CommitFs, applied: readonly Applied[], self: Identity): Promise<RollbackOutcome> {
  const restored: string[] = [];
  const failed: Array<{ destination: string; code: string }> = [];
  for (const step of [...applied].reverse()) {
    try {
      await undo(fs, step, self);
      restored.unshift(step.destination);
    } catch (error) {
      const e = error as { code?: string; cause?: { code?: string } };
      failed.unshift({ destination: step.destination, code: e.cause?.code ?? e.code ?? 'EIO' });
    }
  }
  await syncDirectories(
    applied.map((a) => dirname(a.destination)),
    fs,
  ).catch(() => undefined);
  return { restored, failed };
}
