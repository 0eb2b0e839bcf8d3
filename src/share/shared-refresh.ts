import type { Beacon, BeaconLog } from './beacon';

/** What the runner lends the beacon: its own check, and a refresh to published versions. */
export interface ShareWork<R> {
  /** Today's refresh: lists the path without decryption and fetches what moved. */
  check(signal: AbortSignal | undefined): Promise<R>;
  /** The versions of the last good render (names and versions only); undefined before it. */
  versions(): ReadonlyMap<string, number> | undefined;
  /** Fetches, decrypted, only the names whose version moved from what was rendered. */
  follow(published: ReadonlyMap<string, number> | undefined, signal: AbortSignal | undefined): Promise<R>;
}

/**
 * A refresh that follows the pod's beacon mode: the leader checks and then publishes what it saw; a
 * follower fetches only what the published versions say moved; a pod that falls back polls as if
 * alone. A failed publication never fails the refresh: the files are already right.
 */
export function sharedRefresh<R>(work: ShareWork<R>, beacon: Beacon, log: BeaconLog): (signal?: AbortSignal) => Promise<R> {
  return async (signal) => {
    const { mode } = beacon.status();
    if (mode === 'following') return work.follow(beacon.latest()?.versions, signal);
    const result = await work.check(signal);
    const versions = work.versions();
    if (mode === 'leader' && versions !== undefined && beacon.status().mode === 'leader') {
      await beacon.publish(versions).catch((error: unknown) => log.warn({}, `fleet beacon: cannot publish the versions (${(error as Error).message})`));
    }
    return result;
  };
}
