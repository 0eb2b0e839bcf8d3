import { posix } from 'node:path';
import { AggregateRenderError, RenderError } from '../../errors';
import type { CommitFs } from '../fs';
import type { Identity } from '../owner-policy';
import type { DirectoryFile, FileToWrite } from '../types';
import { manifestContent, readManifest } from './manifest';
import { MANIFEST_NAME, unsafeNameReason } from './safe-name';
import { VerifiedDirectories } from './verified-directories';

export type DirectoryToWrite = FileToWrite & { readonly files: readonly DirectoryFile[] };

export interface Expanded {
  /** The directory's files, then the files to remove, then the manifest: the order of the renames. */
  readonly files: readonly FileToWrite[];
  readonly dirs: VerifiedDirectories;
  readonly manifest: string;
}

/** Every name of a directory that cannot be a file there, as one error naming each key; before anything is opened. */
export function refuseUnsafeNames(dir: DirectoryToWrite): void {
  const errors: RenderError[] = [];
  const byName = new Map<string, string>();
  const hint = 'rename the parameter, or leave it out of `include:`';
  for (const f of dir.files) {
    const reason = unsafeNameReason(f.name);
    if (reason !== undefined) errors.push(new RenderError(`\`${f.key}\` cannot be a file of ${dir.destination}: ${reason}`, { hint }));
    else byName.set(f.name, f.key);
  }
  for (const [name, key] of byName) {
    for (let cut = name.lastIndexOf('/'); cut > 0; cut = name.lastIndexOf('/', cut - 1)) {
      const other = byName.get(name.slice(0, cut));
      if (other !== undefined)
        errors.push(
          new RenderError(`\`${key}\` needs ${dir.destination}/${name.slice(0, cut)} as a directory, but \`${other}\` is written there as a file`, { hint }),
        );
    }
  }
  const seen = new Map<string, string>();
  for (const f of dir.files) {
    const first = seen.get(f.name);
    if (first !== undefined)
      errors.push(
        new RenderError(`\`${first}\` and \`${f.key}\` both become ${dir.destination}/${f.name} (each key is named below its \`include:\` prefix)`, { hint }),
      );
    seen.set(f.name, f.key);
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateRenderError(errors);
}

/**
 * A `format: files` directory as files for the commit: each file at its sub-directory, reached
 * through a verified descriptor; each file the manifest lists whose key is gone, to remove (only
 * regular files, in directories that are still real); and the new manifest, renamed last. Without a
 * manifest it can believe (`onIgnored` says why), nothing is removed.
 */
export async function expandDirectory(
  fs: CommitFs,
  dir: DirectoryToWrite,
  options: { readonly dryRun: boolean; readonly self: Identity; readonly onIgnored?: ((directory: string, reason: string) => void) | undefined },
): Promise<Expanded> {
  const create = !options.dryRun;
  const dirs = await VerifiedDirectories.open(fs, dir.destination, dir, create);
  try {
    const at = async (name: string, lenient = false) => {
      const sub = posix.dirname(name);
      const parent = await dirs.dir(sub === '.' ? '' : sub, create, lenient);
      // In a dry run, a directory that does not exist yet holds nothing: its real path is only compared against.
      return parent === undefined ? undefined : posix.join(parent, posix.basename(name));
    };
    const files: FileToWrite[] = [];
    for (const f of dir.files) {
      const destination = (await at(f.name)) ?? posix.join(dir.destination, f.name);
      files.push({ destination, content: f.content, mode: dir.mode, uid: dir.uid, gid: dir.gid });
    }
    const owners = new Set([options.self.uid, ...(dir.uid === undefined ? [] : [dir.uid])]);
    const read = await readManifest(fs, await dirs.dir('', false), owners);
    if ('ignored' in read) options.onIgnored?.(dir.destination, read.ignored);
    const keep = new Set(dir.files.map((f) => f.name));
    for (const name of 'names' in read ? read.names : []) {
      if (keep.has(name)) continue;
      const destination = await at(name, true);
      if (destination !== undefined) files.push({ destination, content: Buffer.alloc(0), mode: dir.mode, remove: true });
    }
    const manifest = (await at(MANIFEST_NAME)) ?? posix.join(dir.destination, MANIFEST_NAME);
    files.push({ destination: manifest, content: manifestContent(keep), mode: dir.mode, uid: dir.uid, gid: dir.gid });
    return { files, dirs, manifest };
  } catch (error) {
    await dirs.close();
    throw error;
  }
}
