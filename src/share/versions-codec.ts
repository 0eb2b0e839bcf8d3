import { createHash } from 'node:crypto';

/** What the leader publishes: names and versions under one path, never a value. */
export interface PublishedVersions {
  /** The path the leader lists; a follower reading another path must not follow it. */
  readonly path: string;
  readonly versions: ReadonlyMap<string, number>;
  /** sha256 of the versions document: followers compare it to tell a move from a repeat. */
  readonly hash: string;
  /** When the leader checked Parameter Store (epoch ms). */
  readonly checkedAt: number;
}

// ConfigMap keys must match [-._a-zA-Z0-9]+, which parameter names (with `/`) do not: one JSON key holds them all.
export const VERSIONS_KEY = 'versions.json';
export const HASH_KEY = 'sha256';
export const CHECKED_AT_KEY = 'checked-at';

function document(path: string, versions: ReadonlyMap<string, number>): string {
  const sorted = Object.fromEntries([...versions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return JSON.stringify({ path, versions: sorted });
}

export function encodeVersions(path: string, versions: ReadonlyMap<string, number>, checkedAt: number): Record<string, string> {
  const doc = document(path, versions);
  return { [VERSIONS_KEY]: doc, [HASH_KEY]: createHash('sha256').update(doc).digest('hex'), [CHECKED_AT_KEY]: new Date(checkedAt).toISOString() };
}

/** Reads what a leader wrote; undefined for an empty ConfigMap, and an Error naming what is wrong for anything else it cannot trust. */
export function decodeVersions(data: Readonly<Record<string, string>> | undefined): PublishedVersions | undefined | Error {
  const doc = data?.[VERSIONS_KEY];
  if (doc === undefined) return undefined;
  const hash = createHash('sha256').update(doc).digest('hex');
  if (data?.[HASH_KEY] !== hash) return new Error(`the ConfigMap's ${HASH_KEY} does not match its ${VERSIONS_KEY}`);
  const checkedAt = Date.parse(data?.[CHECKED_AT_KEY] ?? '');
  if (Number.isNaN(checkedAt)) return new Error(`the ConfigMap's ${CHECKED_AT_KEY} is not a time`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(doc);
  } catch {
    return new Error(`the ConfigMap's ${VERSIONS_KEY} is not JSON`);
  }
  const { path, versions } = (parsed ?? {}) as { path?: unknown; versions?: unknown };
  if (typeof path !== 'string' || typeof versions !== 'object' || versions === null || Array.isArray(versions)) {
    return new Error(`the ConfigMap's ${VERSIONS_KEY} is not { path, versions }`);
  }
  const entries = Object.entries(versions as Record<string, unknown>);
  const bad = entries.find(([, v]) => !Number.isSafeInteger(v) || (v as number) < 1);
  if (bad) return new Error(`the ConfigMap's ${VERSIONS_KEY} gives ${bad[0]} a version that is not a positive integer`);
  return { path, versions: new Map(entries as [string, number][]), hash, checkedAt };
}
