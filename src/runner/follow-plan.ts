import { isSecretsManagerReference } from '../parameter-naming';
import type { Parameter } from '../source/types';

export interface FollowPlan {
  /** The names under the source's path after this refresh, in the published order. */
  readonly listed: readonly string[];
  /** Names to fetch with decryption: new, or at another version than the one rendered. */
  readonly fetch: readonly string[];
  /** Secrets Manager references (no useful version): fetched every time. */
  readonly references: readonly string[];
  /** Some name under the path is gone. */
  readonly removed: boolean;
}

/** One source as a follower sees it: its path (if any) and the names it reads. */
export interface FollowedSource {
  readonly path: string | undefined;
  readonly names: readonly string[];
}

/**
 * What a follower must fetch from one source to match the versions a leader published. Without a
 * publication it keeps what it has. Named parameters the leader did not publish (another config,
 * mid-rollout) are kept as rendered.
 */
export function followPlan(
  source: FollowedSource,
  known: { readonly byPath: ReadonlyMap<string, Parameter>; readonly named: ReadonlyMap<string, Parameter> },
  published: ReadonlyMap<string, number> | undefined,
): FollowPlan {
  const names = [...new Set(source.names)];
  const references = names.filter(isSecretsManagerReference);
  if (published === undefined) return { listed: [...known.byPath.keys()], fetch: [], references, removed: false };
  const path = source.path;
  const listed = path === undefined ? [] : [...published.keys()].filter((n) => n.startsWith(path));
  const fetch = new Set(listed.filter((n) => known.byPath.get(n)?.version !== published.get(n)));
  for (const n of names) {
    const version = published.get(n);
    if (!isSecretsManagerReference(n) && version !== undefined && known.named.get(n)?.version !== version) fetch.add(n);
  }
  const removed = [...known.byPath.keys()].some((n) => !published.has(n));
  return { listed, fetch: [...fetch], references, removed };
}
