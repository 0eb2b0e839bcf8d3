import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Clock } from '../clock';
import type { ShareConfig } from '../config/config';
import { Beacon, type BeaconLog } from './beacon';
import type { BeaconStatus } from './beacon-state';
import { kubeConnection, KubeConnectionError, type ConnectionWorld } from './kube-connection';
import { kubeObjects } from './kube-objects';
import { watchConfigMap } from './kube-watch';
import { electionTiming, LeaseElection } from './lease-election';
import { sharedRefresh, type ShareWork } from './shared-refresh';

export interface ShareDeps<R> {
  readonly config: ShareConfig;
  readonly path: string;
  readonly intervalMs: number;
  readonly work: ShareWork<R>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clock: Clock;
  readonly log: BeaconLog;
  readonly wake: () => void;
  /** Every change of mode (for /readyz and the metrics). */
  readonly onStatus: (status: BeaconStatus) => void;
  readonly random?: (() => number) | undefined;
  readonly serviceAccountDir?: string | undefined;
}

export interface OpenShare<R> {
  readonly refresh: (signal?: AbortSignal) => Promise<R>;
  stop(): Promise<void>;
}

/**
 * Joins the fleet: connects to the Kubernetes API (the in-cluster service account, or KUBECONFIG),
 * starts the beacon and returns the refresh the loop runs. Without a way to reach Kubernetes the pod
 * polls on its own and says why.
 */
export function openShare<R>(deps: ShareDeps<R>): OpenShare<R> {
  const world: ConnectionWorld = { env: deps.env, readFile: (p) => readFileSync(p, 'utf8') };
  const k8s = deps.config.kubernetes;
  let connection;
  try {
    connection = kubeConnection(world, deps.serviceAccountDir);
  } catch (error) {
    if (!(error instanceof KubeConnectionError)) throw error;
    const status: BeaconStatus = { mode: 'polling', reason: 'not-configured', detail: error.message };
    deps.log.warn({ mode: 'polling', reason: 'not-configured', hint: error.hint }, `fleet beacon: polling Parameter Store on its own: ${error.message}`);
    deps.onStatus(status);
    return { refresh: (signal) => deps.work.check(signal), stop: async () => undefined };
  }
  const timing = electionTiming(k8s.leaseDurationMs);
  const objects = kubeObjects(connection, Math.max(1000, timing.renewDeadlineMs / 2));
  // The pod's name (Kubernetes sets HOSTNAME to it), made unique across restarts of the same pod.
  const identity = `${deps.env['HOSTNAME'] || hostname()}_${randomUUID().slice(0, 8)}`;
  const election = new LeaseElection(objects, k8s.lease, identity, timing, () => deps.clock.now());
  const beacon = new Beacon({
    objects,
    watch: (name, rv, onChange, signal) => watchConfigMap(connection, name, rv, onChange, signal),
    election,
    configMap: k8s.configMap,
    path: deps.path,
    intervalMs: deps.intervalMs,
    spreadMs: k8s.spreadMs,
    clock: deps.clock,
    random: deps.random ?? Math.random,
    log: deps.log,
    wake: deps.wake,
    onStatus: deps.onStatus,
  });
  deps.log.info(
    { lease: k8s.lease, configmap: k8s.configMap, namespace: connection.namespace, identity, from: connection.from },
    'fleet beacon: joining the fleet',
  );
  beacon.start();
  return { refresh: sharedRefresh(deps.work, beacon, deps.log), stop: () => beacon.stop() };
}
