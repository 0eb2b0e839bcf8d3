/** A Kubernetes object as JSON: `apiVersion`, `kind`, `metadata` and whatever the resource holds. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [field: string]: unknown;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** The RBAC verbs, as the API server names a request's verb. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';

export type Resource = 'configmaps' | 'leases';

export type FaultKind = 'forbidden' | 'unauthorized' | 'server-error' | 'latency' | 'drop';

/** A fault applied to the next `times` (default: every) matching API call. */
export interface FaultRule {
  kind: FaultKind;
  verb?: Verb;
  resource?: Resource;
  namespace?: string;
  name?: string;
  times?: number;
  /** For `latency`: how long the answer waits. */
  latencyMs?: number;
}

export interface FakeKubeOptions {
  /** 0 (the default) picks a free port; the server always listens on 127.0.0.1 only. */
  port?: number;
  /** The bearer token clients must send; any other (or none) is 401. */
  token?: string;
  /** Who the token belongs to, as Forbidden messages name it. */
  user?: string;
  /** The namespaces that exist; creating in any other is 404. */
  namespaces?: string[];
  /** Serve https with a self-signed certificate for 127.0.0.1 (made with openssl at start). */
  https?: boolean;
  /** How many change events a watch can resume from before a `resourceVersion` is too old (410). */
  historyLimit?: number;
}

export interface CallRecord {
  method: string;
  /** The path without the query. */
  path: string;
  query: string;
  /** `get`, `list`, `watch`, ... for an API call; `discovery` for /api, /apis, /version, /openapi. */
  verb: Verb | 'discovery' | 'unknown';
  resource?: Resource;
  namespace?: string;
  name?: string;
  userAgent: string;
  /** The HTTP status answered (a watch records 200 when its stream starts). */
  status: number;
  at: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface FakeKube {
  /** `http://127.0.0.1:PORT` or `https://...` */
  url: string;
  token: string;
  /** The PEM of the self-signed certificate (https only): the CA a client trusts. */
  ca: string | undefined;
  /** Creates or replaces an object as a controller would (no auth, no faults, no call record); returns it stored. */
  put(resource: Resource, namespace: string, object: { metadata: ObjectMeta; [field: string]: unknown }): KubeObject;
  get(resource: Resource, namespace: string, name: string): KubeObject | undefined;
  delete(resource: Resource, namespace: string, name: string): boolean;
  /** The latest resourceVersion of the whole store. */
  resourceVersion(): string;
  /** Forgets the change history, so every older resourceVersion is too old to watch from (410). */
  compact(): void;
  inject(rule: FaultRule): void;
  clearFaults(): void;
  /** Ends every open watch stream: cleanly (the chunked body ends) or abruptly (the socket is destroyed). */
  dropWatches(how?: 'end' | 'destroy'): number;
  /** How many watch streams are open now. */
  openWatches(): number;
  calls(): CallRecord[];
  /** Calls by `verb resource`, e.g. `{ 'get leases': 3, 'watch configmaps': 1 }`. */
  counts(): Record<string, number>;
  resetCalls(): void;
  /** Stops listening and drops every connection (clients see connection refused) until `resume()`. */
  suspend(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
  close(): Promise<void>;
}
