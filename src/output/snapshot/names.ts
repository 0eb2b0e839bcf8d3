import { randomInt } from 'node:crypto';
import { join } from 'node:path';

/** The symlink every visible name goes through: `..data -> ..<timestamp>`. */
export const DATA_LINK = '..data';
/** The symlink built beside `..data` and renamed over it: the swap. */
export const DATA_TMP = '..data_tmp';

const SNAPSHOT = /^\.\.\d{4}(?:_\d{2}){5}\.\d{9}$/;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * A new snapshot directory's name: `..2026_12_06_21_30_00.123456789`, the UTC time to the
 * millisecond and six random digits (kubelet's AtomicWriter names its directories the same way).
 */
export function snapshotName(now: Date): string {
  const day = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${day}_${time}.${pad(now.getUTCMilliseconds(), 3)}${pad(randomInt(1_000_000), 6)}`;
}

/** A name ssm-render gives its snapshot directories: only those are ever removed as stale. */
export const isSnapshotName = (name: string): boolean => SNAPSHOT.test(name);

/** What a visible name's symlink holds: relative, so the directory can be mounted anywhere. */
export const visibleTarget = (name: string): string => join(DATA_LINK, name);
