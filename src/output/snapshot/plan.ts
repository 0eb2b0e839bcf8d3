import { basename, dirname, join } from 'node:path';
import { ConfigError, WriteError } from '../../errors';
import type { CommitFs } from '../fs';
import { inspect, type Existing } from '../inspect';
import { isOwnMount } from '../mount-point';
import { ownerDiffers, ownerFor, type DirectoryInfo, type Identity, type Owner } from '../owner-policy';
import type { FileToWrite } from '../types';
import { writeError } from '../write-error';
import { DATA_LINK, DATA_TMP, isSnapshotName, visibleTarget } from './names';

/** What is at a visible name: our symlink through `..data`, nothing, a regular file (`commit: files` wrote it), or anything else. */
export type Visible = 'linked' | 'absent' | 'file' | 'other';

export interface SnapshotStep {
  readonly file: FileToWrite;
  readonly name: string;
  readonly visible: Visible;
  /** What readers see at the name now, when it is a regular file: in the live snapshot, or the file itself. */
  readonly before: Existing | undefined;
  readonly owner: Owner | undefined;
  /** replace: new bytes; fix: same bytes, mode or owner to mend; none: nothing to do. */
  readonly action: 'replace' | 'fix' | 'none';
}

/** One destination directory: what is there, and what its commit must do. */
export interface DirPlan {
  readonly dir: string;
  /** The live snapshot directory (`..data`'s target), if there is one. */
  readonly live: string | undefined;
  readonly steps: readonly SnapshotStep[];
  /** Files of the live snapshot that this commit does not write but a name still shows: the new snapshot keeps them. */
  readonly carried: readonly string[];
  /** What a killed commit left: `..data_tmp`, snapshot directories `..data` does not point to. */
  readonly stale: readonly string[];
  /** A new snapshot is needed: a file changed, or a name does not go through `..data` yet. */
  readonly swap: boolean;
}

export interface PlanContext {
  readonly fs: CommitFs;
  readonly self: Identity;
  readonly mountPoints: () => Promise<ReadonlySet<string>>;
}

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** `..data`'s target, a snapshot directory beside it; anything else there is refused, never followed. */
async function liveSnapshot(fs: CommitFs, dir: string): Promise<string | undefined> {
  const link = join(dir, DATA_LINK);
  let target: string;
  try {
    if (!(await fs.lstat(link)).isSymbolicLink()) throw Object.assign(new Error('not a symlink'), { code: 'EEXIST' });
    target = await fs.readlink(link);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return undefined;
    if (codeOf(error) !== 'EEXIST') throw writeError('read', link, error);
    throw new WriteError(`${link} is not a symlink: \`commit: snapshot\` needs that name for its own link`, link, {
      hint: `move ${link} away, or use \`commit: files\` in ${dir}`,
    });
  }
  if (target.includes('/') || !target.startsWith('..') || target === DATA_LINK || target === DATA_TMP) {
    throw new WriteError(`${link} points to ${target}, which is not a snapshot directory beside it`, link, {
      hint: `remove ${link} if nothing else uses it; ssm-render makes it point to a \`..<timestamp>\` directory`,
    });
  }
  return target;
}

async function visibleAt(fs: CommitFs, destination: string): Promise<Visible> {
  try {
    const info = await fs.lstat(destination);
    if (info.isSymbolicLink()) return (await fs.readlink(destination)) === visibleTarget(basename(destination)) ? 'linked' : 'other';
    if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    return info.isFile() ? 'file' : 'other';
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return 'absent';
    throw writeError('read', destination, error);
  }
}

async function refuseOwnMount(ctx: PlanContext, destination: string): Promise<void> {
  if (!(await isOwnMount(ctx.fs, destination, ctx.mountPoints))) return;
  throw new WriteError(
    `Cannot use \`commit: snapshot\` for ${destination}: it is a mount point of its own (a single-file bind mount), and a mounted file cannot be replaced by a symlink`,
    destination,
    { hint: 'mount its directory instead (an emptyDir, a named volume), or use `commit: files`, which rewrites a mounted file in place' },
  );
}

async function planStep(ctx: PlanContext, file: FileToWrite, live: string | undefined, dirInfo: () => DirectoryInfo): Promise<SnapshotStep> {
  const name = basename(file.destination);
  if (name.startsWith('..')) {
    throw new ConfigError(`\`commit: snapshot\` cannot write ${file.destination}: names that start with \`..\` are its own (\`..data\`, \`..<timestamp>\`)`, {
      hint: 'rename the destination',
    });
  }
  const visible = await visibleAt(ctx.fs, file.destination);
  if (visible === 'file') await refuseOwnMount(ctx, file.destination);
  const at = visible === 'linked' && live !== undefined ? join(dirname(file.destination), live, name) : visible === 'file' ? file.destination : undefined;
  const found = at === undefined ? undefined : await inspect(ctx.fs, at);
  const before = found?.kind === 'file' ? found : undefined;
  const owner = ownerFor(file, before, dirInfo, ctx.self);
  if (!before?.content?.equals(file.content)) return { file, name, visible, before, owner, action: 'replace' };
  return { file, name, visible, before, owner, action: before.mode !== file.mode || ownerDiffers(owner, before) ? 'fix' : 'none' };
}

/** Files of the live snapshot outside this commit whose name still goes through `..data`. */
async function carriedFrom(fs: CommitFs, dir: string, live: string, entries: readonly string[], ours: ReadonlySet<string>): Promise<string[]> {
  const inLive = await fs.readdir(join(dir, live)).catch(() => [] as string[]);
  const carried: string[] = [];
  for (const name of inLive) {
    if (ours.has(name) || !entries.includes(name)) continue;
    const shown = await fs.readlink(join(dir, name)).catch(() => undefined);
    const info = await fs.lstat(join(dir, live, name)).catch(() => undefined);
    if (shown === visibleTarget(name) && info?.isFile()) carried.push(name);
  }
  return carried;
}

/** Look at one destination directory and decide what its commit does; reads only. */
export async function planDirectory(ctx: PlanContext, dir: string, files: readonly FileToWrite[]): Promise<DirPlan> {
  const entries = await ctx.fs.readdir(dir).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return [] as string[];
    throw writeError('use-directory', dir, error);
  });
  const live = entries.includes(DATA_LINK) ? await liveSnapshot(ctx.fs, dir) : undefined;
  const stat = await ctx.fs.stat(dir).catch(() => undefined);
  // A directory that vanished meanwhile is taken as writable by anyone: the safe assumption.
  const info: DirectoryInfo = stat ? { path: dir, mode: stat.mode & 0o7777, uid: stat.uid, gid: stat.gid } : { path: dir, mode: 0o777, uid: -1, gid: -1 };
  const steps: SnapshotStep[] = [];
  for (const file of files) steps.push(await planStep(ctx, file, live, () => info));
  const ours = new Set(steps.map((s) => s.name));
  return {
    dir,
    live,
    steps,
    carried: live === undefined ? [] : await carriedFrom(ctx.fs, dir, live, entries, ours),
    stale: entries.filter((n) => n === DATA_TMP || (isSnapshotName(n) && n !== live)),
    swap: live === undefined || steps.some((s) => s.action === 'replace' || s.visible !== 'linked'),
  };
}
