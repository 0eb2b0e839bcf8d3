import { constants } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { WriteError } from '../../errors';
import { ensureDirectory } from '../directories';
import type { CommitFs } from '../fs';
import { writeError } from '../write-error';

/** Linux's per-process view of open descriptors: `/proc/self/fd/N/name` is `name` inside the directory open as N. */
const FD_DIR = '/proc/self/fd';

export interface DirectoryOwner {
  readonly mode: number;
  readonly uid?: number | undefined;
  readonly gid?: number | undefined;
}

/** A directory for files of this mode: each read bit brings the search bit, and the owner may always enter. */
export const directoryModeFor = (fileMode: number): number => 0o700 | (fileMode & 0o077) | ((fileMode & 0o044) >> 2);

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/**
 * The sub-directories of one `format: files` directory, each opened once without following a
 * symlink and then reached only through its descriptor (`/proc/self/fd/N`), so that a symlink put
 * in place of a sub-directory, before or during the commit, is refused and never written through.
 * Where /proc is not mounted, each directory is still opened with O_NOFOLLOW before use, and its
 * path is used after that check.
 */
export class VerifiedDirectories {
  private readonly open = new Map<string, { readonly handle: FileHandle; readonly path: string }>();
  /** The descriptor path of each directory open here -> its real path, for messages. */
  private readonly real = new Map<string, string>();

  private constructor(
    private readonly fs: CommitFs,
    readonly root: string,
    private readonly owner: DirectoryOwner,
    private readonly byDescriptor: boolean,
  ) {}

  /** Open the root (created with its parents when `create`; a configured path, so a symlink to it is followed). */
  static async open(fs: CommitFs, root: string, owner: DirectoryOwner, create: boolean): Promise<VerifiedDirectories> {
    const byDescriptor = await fs.stat(FD_DIR).then(
      (s) => s.isDirectory(),
      () => false,
    );
    const dirs = new VerifiedDirectories(fs, root, owner, byDescriptor);
    if (create) await ensureDirectory(root, fs);
    try {
      dirs.keep('', await fs.open(root, constants.O_RDONLY | constants.O_DIRECTORY), root);
    } catch (error) {
      if (create || codeOf(error) !== 'ENOENT') throw writeError('use-directory', root, error);
    }
    return dirs;
  }

  private keep(rel: string, handle: FileHandle, real: string): string {
    const path = this.byDescriptor ? `${FD_DIR}/${handle.fd}` : real;
    this.open.set(rel, { handle, path });
    this.real.set(path, real);
    return path;
  }

  /**
   * The path through which to reach the sub-directory `rel` ('' for the root): created (mode and
   * owner from the files) when missing and `create`, else undefined when missing. A symlink or a
   * file in its place is a WriteError; with `lenient`, undefined instead (a removal then skips it).
   */
  async dir(rel: string, create: boolean, lenient = false): Promise<string | undefined> {
    const known = this.open.get(rel);
    if (known) return known.path;
    if (rel === '') return undefined;
    const cut = rel.lastIndexOf('/');
    const parentRel = cut === -1 ? '' : rel.slice(0, cut);
    const parent = await this.dir(parentRel, create, lenient);
    if (parent === undefined) return undefined;
    const name = rel.slice(cut + 1);
    const at = join(parent, name);
    const real = join(this.root, rel);
    const flags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
    try {
      return this.keep(rel, await this.fs.open(at, flags), real);
    } catch (error) {
      if (codeOf(error) !== 'ENOENT') return this.refuse(real, error, lenient);
    }
    if (!create) return undefined;
    try {
      await this.fs.mkdir(at, { mode: 0o700 });
    } catch (error) {
      if (codeOf(error) !== 'EEXIST') throw writeError('create-directory', real, error);
    }
    let handle: FileHandle;
    try {
      handle = await this.fs.open(at, flags);
    } catch (error) {
      return this.refuse(real, error, lenient);
    }
    try {
      if (this.owner.uid !== undefined || this.owner.gid !== undefined) await handle.chown(this.owner.uid ?? -1, this.owner.gid ?? -1);
      await handle.chmod(directoryModeFor(this.owner.mode));
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw writeError('own', real, error);
    }
    return this.keep(rel, handle, real);
  }

  private refuse(real: string, error: unknown, lenient: boolean): undefined {
    if (lenient) return undefined;
    if (codeOf(error) === 'ELOOP' || codeOf(error) === 'ENOTDIR') {
      throw new WriteError(
        `${real} is not a directory (a symlink or a file is there): ssm-render never follows a symlink inside a \`format: files\` directory`,
        real,
        {
          hint: `remove ${real}, or rename the keys that need it as a sub-directory`,
        },
      );
    }
    throw writeError('use-directory', real, error);
  }

  /** A path through a descriptor, as a person reads it: the real path. */
  realPath(path: string): string {
    for (const [via, real] of this.real) {
      if (path === via) return real;
      if (path.startsWith(`${via}/`)) return real + path.slice(via.length);
    }
    return path;
  }

  /** Every descriptor path in a message, as its real path. */
  realText(text: string): string {
    return text.replace(/\/proc\/self\/fd\/\d+/g, (via) => this.real.get(via) ?? via);
  }

  async close(): Promise<void> {
    for (const { handle } of this.open.values()) await handle.close().catch(() => undefined);
    this.open.clear();
  }
}
