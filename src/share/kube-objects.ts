import type { KubeConnection } from './kube-connection';
import { kubeRequest } from './kube-request';

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly resourceVersion?: string;
}

export interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  /** MicroTime: RFC 3339 with exactly six fractional digits. */
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

export interface Lease {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly spec?: LeaseSpec;
}

export interface ConfigMap {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: ObjectMeta;
  readonly data?: Readonly<Record<string, string>>;
}

/** The calls the beacon makes on its one Lease and its one ConfigMap. */
export interface KubeObjects {
  readonly namespace: string;
  getLease(name: string): Promise<Lease>;
  createLease(lease: Lease): Promise<Lease>;
  replaceLease(lease: Lease): Promise<Lease>;
  getConfigMap(name: string): Promise<ConfigMap>;
  createConfigMap(configMap: ConfigMap): Promise<ConfigMap>;
  replaceConfigMap(configMap: ConfigMap): Promise<ConfigMap>;
}

/** A Date as a Kubernetes MicroTime: `2026-01-02T03:04:05.678000Z`. */
export function microTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

export function kubeObjects(conn: KubeConnection, timeoutMs: number): KubeObjects {
  const ns = encodeURIComponent(conn.namespace);
  const leases = `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`;
  const configMaps = `/api/v1/namespaces/${ns}/configmaps`;
  const call = <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => kubeRequest<T>(conn, { method, path, body, timeoutMs });
  const named = (base: string, name: string) => `${base}/${encodeURIComponent(name)}`;
  return {
    namespace: conn.namespace,
    getLease: (name) => call('GET', named(leases, name)),
    createLease: (lease) => call('POST', leases, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease }),
    replaceLease: (lease) => call('PUT', named(leases, lease.metadata.name), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease }),
    getConfigMap: (name) => call('GET', named(configMaps, name)),
    createConfigMap: (cm) => call('POST', configMaps, { apiVersion: 'v1', kind: 'ConfigMap', ...cm }),
    replaceConfigMap: (cm) => call('PUT', named(configMaps, cm.metadata.name), { apiVersion: 'v1', kind: 'ConfigMap', ...cm }),
  };
}
