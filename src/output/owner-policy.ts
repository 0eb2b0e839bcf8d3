import { WriteError } from '../errors';
import type { Existing } from './inspect';

export interface Identity {
  readonly uid: number;
  readonly gid: number;
}

/** An owner to give a file; -1 leaves that part as a new file gets it. */
export type Owner = Identity;

export interface DirectoryInfo {
  readonly path: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

export interface OwnerRequest {
  readonly destination: string;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

const SETGID = 0o2000;

export const processIdentity = (): Identity => ({ uid: process.getuid?.() ?? -1, gid: process.getgid?.() ?? -1 });

/** A user other than the process may create or replace entries in this directory. */
export function writableByOthers(dir: DirectoryInfo, self: Identity): boolean {
  return (dir.mode & 0o022) !== 0 || dir.uid !== self.uid;
}

/** The owner a file created in `dir` gets without any chown. */
function defaultOwner(dir: DirectoryInfo, self: Identity): Identity {
  return { uid: self.uid, gid: (dir.mode & SETGID) !== 0 ? dir.gid : self.gid };
}

/**
 * The owner to set on a destination, or undefined for what a new file gets. The configured uid/gid
 * win; otherwise root keeps the owner of an existing regular file (never of a symlink or anything
 * else), but not in a directory others can write, where whoever pre-created the file would get the
 * secrets: there it refuses, and the config must name the owner.
 */
export function ownerFor(file: OwnerRequest, existing: Existing | undefined, dir: () => DirectoryInfo, self: Identity): Owner | undefined {
  if (file.uid !== undefined || file.gid !== undefined) return { uid: file.uid ?? -1, gid: file.gid ?? -1 };
  if (self.uid !== 0 || existing?.kind !== 'file') return undefined;
  const where = dir();
  const fresh = defaultOwner(where, self);
  if (existing.uid === fresh.uid && existing.gid === fresh.gid) return undefined;
  if (writableByOthers(where, self)) {
    throw new WriteError(
      `Refusing to write ${file.destination}: its directory ${where.path} is writable by other users and the file there belongs to uid ${existing.uid} gid ${existing.gid}, so keeping that owner could hand the secrets to whoever created it`,
      file.destination,
      { hint: `set uid and gid on this template to the owner the file should have, or write into a directory only uid ${self.uid} can write` },
    );
  }
  return { uid: existing.uid, gid: existing.gid };
}

/** The owner part that would change: whether a chown is needed at all. */
export function ownerDiffers(owner: Owner | undefined, existing: Existing): boolean {
  if (!owner) return false;
  return (owner.uid !== -1 && owner.uid !== existing.uid) || (owner.gid !== -1 && owner.gid !== existing.gid);
}
