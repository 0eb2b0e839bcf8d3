import { randomUUID } from 'node:crypto';
import type { KubeObject, Resource, WatchEventType } from './types';

export interface StoredEvent {
  type: WatchEventType;
  resource: Resource;
  object: KubeObject;
  /** The resourceVersion this change produced. */
  rv: number;
}

type Listener = (event: StoredEvent) => void;

const key = (resource: Resource, namespace: string, name: string) => `${resource}/${namespace}/${name}`;

const META_ORDER = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'labels', 'annotations'];

/** kind, apiVersion, metadata (its fields in the API server's order), then the rest. */
function ordered(object: KubeObject): KubeObject {
  const { kind, apiVersion, metadata, ...rest } = object;
  const first = META_ORDER.filter((k) => metadata[k] !== undefined).map((k) => [k, metadata[k]]);
  const others = Object.entries(metadata).filter(([k, v]) => !META_ORDER.includes(k) && v !== undefined);
  return { kind, apiVersion, metadata: Object.fromEntries([...first, ...others]) as KubeObject['metadata'], ...rest };
}

/** Kubernetes time: RFC 3339 to the second. */
const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/**
 * The objects, one resourceVersion counter for the whole store (as etcd's revision is), and the
 * recent change events a watch can resume from.
 */
export class ObjectStore {
  private readonly objects = new Map<string, KubeObject>();
  private history: StoredEvent[] = [];
  private readonly listeners = new Set<Listener>();
  private revision = 0;
  /** Every change after this revision is still in `history`. */
  private floor = 0;

  constructor(private readonly historyLimit: number) {}

  revisionNow(): number {
    return this.revision;
  }

  get(resource: Resource, namespace: string, name: string): KubeObject | undefined {
    const found = this.objects.get(key(resource, namespace, name));
    return found && structuredClone(found);
  }

  /** The objects of `resource` in `namespace` (every namespace when undefined), by namespace then name. */
  list(resource: Resource, namespace: string | undefined): KubeObject[] {
    const prefix = namespace === undefined ? `${resource}/` : `${resource}/${namespace}/`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, o]) => structuredClone(o));
  }

  /** Stores a new object, giving it a uid, a creationTimestamp and a resourceVersion. */
  create(resource: Resource, object: KubeObject): KubeObject {
    const metadata = { ...object.metadata, uid: randomUUID(), creationTimestamp: now() };
    return this.commit('ADDED', resource, { ...object, metadata });
  }

  /** Replaces an existing object, keeping what the server owns (uid, creationTimestamp). */
  replace(resource: Resource, object: KubeObject, existing: KubeObject): KubeObject {
    const { uid, creationTimestamp } = existing.metadata;
    return this.commit('MODIFIED', resource, { ...object, metadata: { ...object.metadata, uid, creationTimestamp } });
  }

  remove(resource: Resource, namespace: string, name: string): KubeObject | undefined {
    const existing = this.objects.get(key(resource, namespace, name));
    if (!existing) return undefined;
    return this.commit('DELETED', resource, existing);
  }

  /** The changes after `rv`, or undefined when some of them are no longer kept (a watch from it is 410). */
  since(rv: number): StoredEvent[] | undefined {
    if (rv < this.floor) return undefined;
    return this.history.filter((e) => e.rv > rv).map((e) => structuredClone(e));
  }

  /** The oldest resourceVersion a watch can still start from. */
  oldest(): number {
    return this.floor;
  }

  compact(): void {
    this.history = [];
    this.floor = this.revision;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private commit(type: WatchEventType, resource: Resource, object: KubeObject): KubeObject {
    this.revision += 1;
    const stored = ordered({ ...object, metadata: { ...object.metadata, resourceVersion: String(this.revision) } });
    const k = key(resource, stored.metadata.namespace ?? '', stored.metadata.name);
    if (type === 'DELETED') this.objects.delete(k);
    else this.objects.set(k, stored);
    const event: StoredEvent = { type, resource, object: stored, rv: this.revision };
    this.history.push(event);
    while (this.history.length > this.historyLimit) this.floor = this.history.shift()?.rv ?? this.floor;
    for (const listener of this.listeners) listener(structuredClone(event));
    return structuredClone(stored);
  }
}
