import type { Clock } from '../clock';
import { BeaconState, type BeaconStatus, type FallbackReason } from './beacon-state';
import type { ConfigMap, KubeObjects } from './kube-objects';
import { KubeApiError } from './kube-request';
import type { WatchEnd } from './kube-watch';
import type { LeaseElection } from './lease-election';
import { decodeVersions, encodeVersions, type PublishedVersions } from './versions-codec';

/** The log lines the beacon writes: fields and a message, never a value. */
export interface BeaconLog {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export type WatchFn = (name: string, resourceVersion: string, onChange: (cm: ConfigMap) => void, signal: AbortSignal) => Promise<WatchEnd>;

export interface BeaconDeps {
  readonly objects: KubeObjects;
  readonly watch: WatchFn;
  readonly election: LeaseElection;
  readonly configMap: string;
  /** The path this pod renders: a publication for another path is not followed. */
  readonly path: string;
  readonly intervalMs: number;
  readonly spreadMs: number;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: BeaconLog;
  /** A follower's cue to refresh now: called at a random point of `spread` after the versions moved. */
  readonly wake: () => void;
  /** Every change of mode, after it is logged. */
  readonly onStatus?: ((status: BeaconStatus) => void) | undefined;
}

/** How long stop() waits for the loops and the release: it must end before the CLI's stop deadline (STOP_DEADLINE_MS in cli/loop.ts) ends the process. */
const STOP_WAIT_MS = 500;

function faultOf(error: unknown, what: string): { reason: FallbackReason; detail: string } {
  if (error instanceof KubeApiError) {
    const fault = error.fault;
    return { reason: fault === 'forbidden' ? 'forbidden' : fault === 'unreachable' ? 'unreachable' : 'unreadable', detail: `${what}: ${error.message}` };
  }
  return { reason: 'unreachable', detail: `${what}: ${(error as Error)?.message ?? 'failed'}` };
}

const HINTS: Record<FallbackReason, string> = {
  unreachable: 'check that the pod reaches the Kubernetes API (network policy, KUBERNETES_SERVICE_HOST)',
  forbidden:
    "grant the pod's service account the Role of examples/kubernetes/fleet/rbac.yaml (get/update on the Lease, get/watch/update on the ConfigMap) and create both objects (beacon.yaml there)",
  stale: "check the leader pod's log: it checks Parameter Store and writes the ConfigMap once per interval",
  unreadable: 'the ConfigMap holds something other than what ssm-render writes; delete its data and the leader rewrites it',
  mismatch: 'pods sharing one Lease and ConfigMap must render the same path: give each app its own lease and configmap names',
  'not-configured': 'run in a pod with its service account mounted, or point KUBECONFIG at a kubeconfig file',
};

/**
 * The fleet beacon of one pod: takes part in the Lease election, watches the versions ConfigMap
 * (a watch, reconnected when it drops), publishes as leader, and decides the pod's mode.
 */
export class Beacon {
  readonly state: BeaconState;
  private latestDoc: PublishedVersions | undefined;
  private seenHash: string | undefined;
  private configMap: ConfigMap | undefined;
  private wakePending = false;
  private readonly stopping = new AbortController();
  private loops: Promise<unknown>[] = [];

  constructor(private readonly deps: BeaconDeps) {
    this.state = new BeaconState(
      deps.intervalMs,
      () => deps.clock.now(),
      (status, previous) => this.announce(status, previous),
    );
  }

  status(): BeaconStatus {
    // A leader whose renewals stopped (a call hanging, the API gone) stops at the renew deadline, not at its next try.
    if (!this.deps.election.isLeader()) this.state.notLeader();
    return this.state.evaluate();
  }

  /** The last publication read that this pod may follow. */
  latest(): PublishedVersions | undefined {
    return this.latestDoc;
  }

  start(): void {
    this.loops = [this.electionLoop(), this.followLoop()];
  }

  /**
   * Stops both loops; a leader gives the lease up so another takes over without waiting out the
   * lease. Bounded: a call hanging on an unreachable API must not hold the process's stop
   * (the CLI ends within its own stop deadline anyway), so after STOP_WAIT_MS it returns regardless.
   */
  async stop(): Promise<void> {
    this.stopping.abort();
    const settled = Promise.allSettled(this.loops)
      .then(() => this.deps.election.release())
      .catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settled, new Promise<void>((resolve) => (timer = setTimeout(resolve, STOP_WAIT_MS)))]);
    clearTimeout(timer);
  }

  /** As leader, after a check: writes the versions (names and versions only) with the check's time. */
  async publish(versions: ReadonlyMap<string, number>): Promise<void> {
    const { objects, configMap: name, clock } = this.deps;
    const data = encodeVersions(this.deps.path, versions, clock.now());
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const current = this.configMap ?? (await objects.getConfigMap(name));
        this.configMap = await objects.replaceConfigMap({ ...current, metadata: { ...current.metadata, name }, data });
        this.state.configMap(undefined);
        return;
      } catch (error) {
        this.configMap = undefined;
        if (error instanceof KubeApiError && error.fault === 'not-found') {
          this.configMap = await objects.createConfigMap({ metadata: { name }, data }).catch((e: unknown) => this.publishFailed(e));
          return;
        }
        // Another wrote first (a second leader during a partition, or our stale copy): read it again and retry once.
        if (error instanceof KubeApiError && error.fault === 'conflict') continue;
        this.publishFailed(error);
        return;
      }
    }
  }

  private publishFailed(error: unknown): undefined {
    const { reason, detail } = faultOf(error, `cannot write the ConfigMap ${this.deps.configMap}`);
    this.deps.log.warn({ reason, hint: HINTS[reason] }, `fleet beacon: ${detail}`);
    return undefined;
  }

  private announce(status: BeaconStatus, previous: BeaconStatus | undefined): void {
    const fields = { mode: status.mode, reason: status.reason, holder: status.holder, identity: this.deps.election.identity };
    if (status.mode === 'polling') {
      this.deps.log.warn(
        { ...fields, hint: status.reason ? HINTS[status.reason] : undefined },
        `fleet beacon: polling Parameter Store on its own: ${status.detail ?? ''}`,
      );
    } else if (status.mode === 'leader') {
      this.deps.log.info(fields, 'fleet beacon: leading (this pod checks the versions and publishes them)');
    } else {
      this.deps.log.info(
        fields,
        previous?.mode === 'polling' ? 'fleet beacon: healthy again, following the published versions' : 'fleet beacon: following the published versions',
      );
    }
    this.deps.onStatus?.(status);
  }

  private async electionLoop(): Promise<void> {
    const { election, clock } = this.deps;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        const leader = await election.tryAcquireOrRenew();
        this.state.lease({ leader, holder: election.holder() });
      } catch (error) {
        if (!election.isLeader()) this.state.notLeader();
        this.state.lease(faultOf(error, `the Lease ${election.name}`));
      }
      await clock.sleep(election.timing.retryPeriodMs, signal);
    }
  }

  private async followLoop(): Promise<void> {
    const { objects, clock, configMap: name } = this.deps;
    const signal = this.stopping.signal;
    while (!signal.aborted) {
      try {
        const cm = await objects.getConfigMap(name);
        this.accept(cm);
        let resourceVersion = cm.metadata.resourceVersion ?? '0';
        for (;;) {
          const end = await this.deps.watch(
            name,
            resourceVersion,
            (changed) => {
              resourceVersion = changed.metadata.resourceVersion ?? resourceVersion;
              this.accept(changed);
            },
            signal,
          );
          if (signal.aborted || end === 'expired') break;
        }
      } catch (error) {
        if (signal.aborted) return;
        // A dropped watch is normal (an API server restarts): read the ConfigMap again, and call it a fault only if that fails too.
        if (!(error instanceof KubeApiError && error.reason === 'WatchDropped')) {
          this.state.configMap(faultOf(error, `the ConfigMap ${name}`));
          await clock.sleep(this.deps.election.timing.retryPeriodMs, signal);
        } else await clock.sleep(Math.min(1000, this.deps.election.timing.retryPeriodMs), signal);
      }
    }
  }

  private accept(cm: ConfigMap): void {
    const doc = decodeVersions(cm.data);
    if (doc instanceof Error) return this.state.configMap({ reason: 'unreadable', detail: `the ConfigMap ${this.deps.configMap}: ${doc.message}` });
    if (doc === undefined) return this.state.configMap(undefined);
    if (doc.path !== this.deps.path) {
      const detail = `the ConfigMap ${this.deps.configMap} holds versions for ${doc.path}, but this pod renders ${this.deps.path}`;
      return this.state.configMap({ reason: 'mismatch', detail });
    }
    this.state.configMap(undefined);
    const moved = doc.checkedAt !== this.latestDoc?.checkedAt || doc.hash !== this.latestDoc?.hash;
    this.latestDoc = doc;
    if (moved) this.state.moved();
    if (doc.hash !== this.seenHash) {
      const first = this.seenHash === undefined;
      this.seenHash = doc.hash;
      if (!first) this.scheduleWake();
    }
  }

  /** Followers spread their fetches over `spread`, so a rotation does not reach Parameter Store from every pod at once. */
  private scheduleWake(): void {
    if (this.wakePending || this.state.status().mode !== 'following') return;
    this.wakePending = true;
    const delay = Math.floor(this.deps.random() * this.deps.spreadMs);
    void this.deps.clock.sleep(delay, this.stopping.signal).then(() => {
      this.wakePending = false;
      if (!this.stopping.signal.aborted) this.deps.wake();
    });
  }
}
