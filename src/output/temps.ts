import { randomBytes } from 'node:crypto';
import { readlinkSync, rmSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { CommitFs } from './fs';

const TEMP_MARK = '.ssm-render-';

/** Temp files being written right now, so that a forced exit can still remove them. */
const inFlight = new Set<string>();
/** Directories being built (a snapshot, a dry run's staging), with the `..data` link that would make one live. */
const dirsInFlight = new Map<string, string | undefined>();

export const track = (temp: string): void => void inFlight.add(temp);
export const untrack = (temp: string): void => void inFlight.delete(temp);
/** Track a directory being built; `dataLink`: the symlink whose target it becomes once it is live (never removed then). */
export const trackDir = (dir: string, dataLink?: string): void => void dirsInFlight.set(dir, dataLink);
export const untrackDir = (dir: string): void => void dirsInFlight.delete(dir);

const liveThrough = (dir: string, dataLink: string | undefined): boolean => {
  try {
    return dataLink !== undefined && readlinkSync(dataLink) === basename(dir);
  } catch {
    return false;
  }
};

/** Remove every temp file and directory a commit is writing; for a process that must exit now. */
export function abandonTemps(): void {
  for (const temp of inFlight) {
    try {
      unlinkSync(temp);
    } catch {
      // already renamed or removed
    }
  }
  inFlight.clear();
  // A snapshot whose swap finished while this ran is live: it stays.
  for (const [dir, dataLink] of dirsInFlight) {
    try {
      if (!liveThrough(dir, dataLink)) rmSync(dir, { recursive: true, force: true });
    } catch {
      // the next run removes it as stale
    }
  }
  dirsInFlight.clear();
}

/** A fresh temp name beside the destination: `.NAME.ssm-render-XXXXXXXXXXXX.tmp`. */
export const tempName = (destination: string): string =>
  join(dirname(destination), `.${basename(destination)}${TEMP_MARK}${randomBytes(6).toString('hex')}.tmp`);

const isTempOf = (destination: string, name: string): boolean => name.startsWith(`.${basename(destination)}${TEMP_MARK}`) && name.endsWith('.tmp');

/** Temp files beside these destinations (left by a killed run, or being written by a live one). */
export async function tempsBeside(fs: CommitFs, destinations: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const dir of new Set(destinations.map((d) => dirname(d)))) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    const mine = destinations.filter((d) => dirname(d) === dir);
    found.push(...names.filter((n) => mine.some((d) => isTempOf(d, n))).map((n) => join(dir, n)));
  }
  return found;
}

/** Remove the temp files a killed earlier run left; only under the directory lock, so none is live. */
export async function removeStaleTemps(fs: CommitFs, destinations: readonly string[]): Promise<void> {
  await Promise.all((await tempsBeside(fs, destinations)).map((t) => fs.unlink(t).catch(() => undefined)));
}
