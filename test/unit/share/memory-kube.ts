import type { ConfigMap, KubeObjects, Lease } from '../../../src/share/kube-objects';
import { KubeApiError } from '../../../src/share/kube-request';

/**
 * The API server's rules the beacon relies on, in memory: objects carry a resourceVersion, a write
 * naming an older one is 409, a missing object is 404, a second create is 409. `fail` makes the
 * next calls of a kind throw what the real client would.
 */
export function memoryKube(namespace = 'apps') {
  let revision = 0;
  const leases = new Map<string, Lease>();
  const configMaps = new Map<string, ConfigMap>();
  const failures: Array<{ op: string; status: number; reason: string }> = [];
  const calls: string[] = [];

  function check(op: string): void {
    calls.push(op);
    const i = failures.findIndex((f) => f.op === op || f.op === '*');
    if (i >= 0) {
      const [f] = failures.splice(i, 1);
      throw new KubeApiError(`${op}: ${f?.status} ${f?.reason}`, f?.status ?? 0, f?.reason ?? '');
    }
  }
  function store<T extends Lease | ConfigMap>(map: Map<string, T>, object: T, create: boolean): T {
    const name = object.metadata.name;
    const current = map.get(name);
    if (create && current) throw new KubeApiError(`${name} exists`, 409, 'AlreadyExists');
    if (!create && !current) throw new KubeApiError(`${name} not found`, 404, 'NotFound');
    if (!create && current?.metadata.resourceVersion !== object.metadata.resourceVersion) throw new KubeApiError(`${name} modified`, 409, 'Conflict');
    const stored = JSON.parse(JSON.stringify({ ...object, metadata: { ...object.metadata, namespace, resourceVersion: String(++revision) } })) as T;
    map.set(name, stored);
    return stored;
  }
  function read<T>(map: Map<string, T>, name: string): T {
    const found = map.get(name);
    if (!found) throw new KubeApiError(`${name} not found`, 404, 'NotFound');
    return JSON.parse(JSON.stringify(found)) as T;
  }

  const objects: KubeObjects = {
    namespace,
    getLease: async (name) => (check('getLease'), read(leases, name)),
    createLease: async (lease) => (check('createLease'), store(leases, lease, true)),
    replaceLease: async (lease) => (check('replaceLease'), store(leases, lease, false)),
    getConfigMap: async (name) => (check('getConfigMap'), read(configMaps, name)),
    createConfigMap: async (cm) => (check('createConfigMap'), store(configMaps, cm, true)),
    replaceConfigMap: async (cm) => (check('replaceConfigMap'), store(configMaps, cm, false)),
  };
  return {
    objects,
    leases,
    configMaps,
    calls,
    /** The next call of `op` (any call for `*`) throws a KubeApiError with this status. */
    fail: (op: string, status: number, reason: string) => failures.push({ op, status, reason }),
    /** Another writer's change, as the API server would store it. */
    putLease: (lease: Lease) =>
      store(
        leases,
        { ...lease, metadata: { ...lease.metadata, resourceVersion: leases.get(lease.metadata.name)?.metadata.resourceVersion } },
        !leases.has(lease.metadata.name),
      ),
  };
}
