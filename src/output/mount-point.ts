import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { CommitFs } from './fs';

/** `\040` (and any other octal escape) in a mountinfo path, undone. */
const unescape = (path: string) => path.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/** The mount points of this process's mount namespace (the fifth field of /proc/self/mountinfo); none when it cannot be read. */
export async function readMountPoints(): Promise<ReadonlySet<string>> {
  const text = await readFile('/proc/self/mountinfo', 'utf8').catch(() => '');
  return new Set(
    text
      .split('\n')
      .map((line) => line.split(' ')[4])
      .filter((p): p is string => p !== undefined && p !== '')
      .map(unescape),
  );
}

/**
 * Whether a file is a mount point of its own (a single-file bind mount, `-v ./app.env:/app/.env`):
 * it lives on another device than its directory, or the mount table lists it (a bind mount from
 * the same file system keeps the device).
 */
export async function isOwnMount(fs: CommitFs, path: string, mountPoints: () => Promise<ReadonlySet<string>>): Promise<boolean> {
  const [file, dir] = await Promise.all([fs.stat(path), fs.stat(dirname(path))]);
  if (file.dev !== dir.dev) return true;
  return (await mountPoints()).has(join(await fs.realpath(dirname(path)), basename(path)));
}
