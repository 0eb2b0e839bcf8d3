import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube, type KubeObject } from '../support/fake-kube';
import { eventually } from '../support/cli-process';
import { accepts } from '../support/listening';

// The fake Kubernetes API over raw HTTP: the exact bodies a client parses. kubectl and
// @kubernetes/client-node drive the same fake in fake-kube.test.ts.

let fake: FakeKube;

beforeAll(async () => {
  fake = await startFakeKube({ namespaces: ['default', 'team'] });
});
afterAll(async () => {
  await fake?.close();
});
beforeEach(() => {
  fake.clearFaults();
  fake.resetCalls();
});

const CM = '/api/v1/namespaces/default/configmaps';
const LEASES = '/apis/coordination.k8s.io/v1/namespaces/default/leases';
const MICRO = '2025-01-01T00:00:00.000000Z';

interface Answer {
  status: number;
  json: Record<string, unknown>;
  headers: Headers;
}

async function call(method: string, path: string, opts: { body?: unknown; token?: string | null; contentType?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'Content-Type': opts.contentType ?? 'application/json', 'User-Agent': 'fake-kube-protocol-test' };
  const token = opts.token === undefined ? fake.token : opts.token;
  if (token !== null) headers['Authorization'] = `Bearer ${token}`;
  const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
  const response = await fetch(`${fake.url}${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : { text }, headers: response.headers };
}

const meta = (a: Answer) => a.json['metadata'] as KubeObject['metadata'];

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details && { details }), code };
}

describe('authentication and discovery', () => {
  it('answers 401 Unauthorized without the bearer token, and records every call', async () => {
    for (const token of [null, 'wrong']) {
      const answer = await call('GET', `${CM}/x`, { token });
      expect(answer.status).toBe(401);
      expect(answer.json).toEqual(status(401, 'Unauthorized', 'Unauthorized'));
    }
    expect((await call('GET', '/version')).status).toBe(200);
    expect(
      fake.calls().map(({ method, path, verb, resource, name, userAgent, status }) => ({ method, path, verb, resource, name, userAgent, status })),
    ).toEqual([
      { method: 'GET', path: `${CM}/x`, verb: 'unknown', resource: undefined, name: undefined, userAgent: 'fake-kube-protocol-test', status: 401 },
      { method: 'GET', path: `${CM}/x`, verb: 'unknown', resource: undefined, name: undefined, userAgent: 'fake-kube-protocol-test', status: 401 },
      { method: 'GET', path: '/version', verb: 'discovery', resource: undefined, name: undefined, userAgent: 'fake-kube-protocol-test', status: 200 },
    ]);
  });

  it('serves the legacy discovery documents, /version and the OpenAPI v3 root', async () => {
    expect((await call('GET', '/api')).json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    expect((await call('GET', '/apis')).json).toMatchObject({
      kind: 'APIGroupList',
      groups: [{ name: 'coordination.k8s.io', preferredVersion: { groupVersion: 'coordination.k8s.io/v1', version: 'v1' } }],
    });
    expect((await call('GET', '/api/v1')).json).toEqual({
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        {
          name: 'configmaps',
          singularName: 'configmap',
          namespaced: true,
          kind: 'ConfigMap',
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
          shortNames: ['cm'],
        },
      ],
    });
    expect((await call('GET', '/apis/coordination.k8s.io/v1')).json).toMatchObject({
      groupVersion: 'coordination.k8s.io/v1',
      resources: [{ name: 'leases', kind: 'Lease' }],
    });
    expect((await call('GET', '/version')).json).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\.\d+\.\d+/) });
    expect(Object.keys((await call('GET', '/openapi/v3')).json['paths'] as object)).toEqual(['api/v1', 'apis/coordination.k8s.io/v1']);
    expect(await call('GET', '/api/v1/namespaces/default/secrets/x')).toMatchObject({
      status: 404,
      json: status(404, 'NotFound', 'the server could not find the requested resource', {}),
    });
    expect((await call('POST', `${CM}/x`, { body: {} })).json).toMatchObject({ code: 405, reason: 'MethodNotAllowed' });
  });
});

describe('get, create and update', () => {
  it('answers 404 NotFound and 409 AlreadyExists with the Status the API server writes', async () => {
    expect(await call('GET', `${CM}/missing`)).toMatchObject({
      status: 404,
      json: status(404, 'NotFound', 'configmaps "missing" not found', { name: 'missing', kind: 'configmaps' }),
    });
    expect((await call('GET', `${LEASES}/missing`)).json).toEqual(
      status(404, 'NotFound', 'leases.coordination.k8s.io "missing" not found', { name: 'missing', group: 'coordination.k8s.io', kind: 'leases' }),
    );
    const lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'twice' }, spec: { holderIdentity: 'a', renewTime: MICRO } };
    const created = await call('POST', LEASES, { body: lease });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', spec: lease.spec });
    expect(meta(created)).toMatchObject({ name: 'twice', namespace: 'default', resourceVersion: expect.stringMatching(/^\d+$/), uid: expect.any(String) });
    expect(meta(created).creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await call('POST', LEASES, { body: lease })).toMatchObject({
      status: 409,
      json: status(409, 'AlreadyExists', 'leases.coordination.k8s.io "twice" already exists', { name: 'twice', group: 'coordination.k8s.io', kind: 'leases' }),
    });
    expect((await call('GET', `${LEASES}/twice`)).json).toEqual(created.json);
  });

  it('answers 409 Conflict to an update with a stale resourceVersion, and updates unconditionally without one', async () => {
    const first = await call('POST', CM, { body: { metadata: { name: 'rv' }, data: { a: '1' } } });
    const rv = meta(first).resourceVersion;
    const second = await call('PUT', `${CM}/rv`, { body: { metadata: { name: 'rv', resourceVersion: rv }, data: { a: '2' } } });
    expect(second.status).toBe(200);
    expect(Number(meta(second).resourceVersion)).toBeGreaterThan(Number(rv));
    expect(meta(second).uid).toBe(meta(first).uid);
    expect(await call('PUT', `${CM}/rv`, { body: { metadata: { name: 'rv', resourceVersion: rv }, data: { a: 'stale' } } })).toMatchObject({
      status: 409,
      json: status(
        409,
        'Conflict',
        'Operation cannot be fulfilled on configmaps "rv": the object has been modified; please apply your changes to the latest version and try again',
        { name: 'rv', kind: 'configmaps' },
      ),
    });
    expect((await call('GET', `${CM}/rv`)).json['data']).toEqual({ a: '2' });
    const blind = await call('PUT', `${CM}/rv`, { body: { metadata: { name: 'rv' }, data: { a: '3' } } });
    expect(blind.json['data']).toEqual({ a: '3' });
    // An update that changes nothing writes nothing: same resourceVersion.
    const same = await call('PUT', `${CM}/rv`, { body: { metadata: { name: 'rv' }, data: { a: '3' } } });
    expect(meta(same).resourceVersion).toBe(meta(blind).resourceVersion);
    expect((await call('PUT', `${CM}/rv`, { body: { metadata: { name: 'other' } } })).json['message']).toBe(
      'the name of the object (other) does not match the name on the URL (rv)',
    );
    expect((await call('PUT', `${CM}/nowhere`, { body: { metadata: { name: 'nowhere' } } })).status).toBe(404);
  });

  it('validates as the API server does: 422 for values, 400 for types, strict fields on request', async () => {
    const badName = await call('POST', CM, { body: { metadata: { name: 'Not_Valid' } } });
    expect(badName.status).toBe(422);
    expect(badName.json).toMatchObject({ reason: 'Invalid', details: { name: 'Not_Valid', kind: 'ConfigMap', causes: [{ field: 'metadata.name' }] } });
    expect(badName.json['message']).toMatch(/^ConfigMap "Not_Valid" is invalid: metadata.name: Invalid value: "Not_Valid": a lowercase RFC 1123 subdomain/);
    // A Lease's times are MicroTime: six fractional digits, so a JavaScript Date's toISOString() is refused.
    const millis = await call('POST', LEASES, { body: { metadata: { name: 'millis' }, spec: { renewTime: '2025-01-01T00:00:00.000Z' } } });
    expect(millis.json).toEqual(
      status(
        400,
        'BadRequest',
        'Lease in version "v1" cannot be handled as a Lease: parsing time "2025-01-01T00:00:00.000Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".000Z" as ".000000"',
      ),
    );
    expect((await call('POST', LEASES, { body: { metadata: { name: 'd' }, spec: { leaseDurationSeconds: '15' } } })).json['message']).toBe(
      'Lease in version "v1" cannot be handled as a Lease: json: cannot unmarshal string into Go struct field Lease.spec.leaseDurationSeconds of type int32',
    );
    expect((await call('POST', LEASES, { body: { metadata: { name: 'd' }, spec: { leaseDurationSeconds: 0 } } })).status).toBe(422);
    expect((await call('POST', CM, { body: { metadata: { name: 'n' }, data: { 'bad key': 'v' } } })).status).toBe(422);
    expect((await call('POST', CM, { body: { metadata: { name: 'n' }, data: { k: 1 } } })).status).toBe(400);
    expect((await call('POST', CM, { body: { metadata: { name: 'big' }, data: { k: 'x'.repeat(1024 * 1024) } } })).json['message']).toBe(
      'ConfigMap "big" is invalid: []: Too long: must have at most 1048576 bytes',
    );
    expect((await call('POST', `${CM}?fieldValidation=Strict`, { body: { metadata: { name: 'n' }, datum: {} } })).json['message']).toBe(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datum"',
    );
    const lax = await call('POST', CM, { body: { metadata: { name: 'lax', uid: 'mine' }, datum: {} } });
    expect(lax.status).toBe(201);
    expect(lax.json).not.toHaveProperty('datum');
    expect(meta(lax).uid).not.toBe('mine');
    expect((await call('POST', '/api/v1/namespaces/nowhere/configmaps', { body: { metadata: { name: 'n' } } })).json).toEqual(
      status(404, 'NotFound', 'namespaces "nowhere" not found', { name: 'nowhere', kind: 'namespaces' }),
    );
    expect((await call('POST', CM, { body: { metadata: { name: 'n', namespace: 'team' } } })).status).toBe(400);
    expect((await call('POST', CM, { body: '{"metadata": ' })).json).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect((await call('POST', CM, { body: { metadata: { name: 'set', resourceVersion: '3' } } })).json).toMatchObject({
      code: 500,
      message: 'Internal error occurred: resourceVersion should not be set on objects to be created',
    });
  });
});

describe('patch, delete and list', () => {
  it('merge-patches and strategic-merge-patches, with the resourceVersion precondition', async () => {
    const created = await call('POST', CM, { body: { metadata: { name: 'p', labels: { keep: 'y', drop: 'y' } }, data: { a: '1', b: '2' } } });
    const merge = 'application/merge-patch+json';
    const patched = await call('PATCH', `${CM}/p`, { contentType: merge, body: { metadata: { labels: { drop: null } }, data: { b: null, c: '3' } } });
    expect(patched.json['data']).toEqual({ a: '1', c: '3' });
    expect(meta(patched).labels).toEqual({ keep: 'y' });
    const strategic = 'application/strategic-merge-patch+json';
    const replaced = await call('PATCH', `${CM}/p`, { contentType: strategic, body: { data: { $patch: 'replace', only: '1' } } });
    expect(replaced.json['data']).toEqual({ only: '1' });
    const stale = await call('PATCH', `${CM}/p`, {
      contentType: merge,
      body: { metadata: { resourceVersion: meta(created).resourceVersion }, data: { x: '1' } },
    });
    expect(stale.json).toMatchObject({ code: 409, reason: 'Conflict' });
    const fresh = await call('PATCH', `${CM}/p`, {
      contentType: merge,
      body: { metadata: { resourceVersion: meta(replaced).resourceVersion }, data: { x: '1' } },
    });
    expect(fresh.json['data']).toEqual({ only: '1', x: '1' });
    expect((await call('PATCH', `${CM}/p`, { contentType: 'application/json-patch+json', body: '[]' })).json).toMatchObject({
      code: 415,
      reason: 'UnsupportedMediaType',
    });
    expect((await call('PATCH', `${CM}/nope`, { contentType: merge, body: {} })).status).toBe(404);
  });

  it('deletes with preconditions and answers a Success Status', async () => {
    const created = await call('POST', LEASES, { body: { metadata: { name: 'gone' } } });
    const conflict = await call('DELETE', `${LEASES}/gone`, { body: { preconditions: { resourceVersion: '1' } } });
    expect(conflict.json).toMatchObject({ code: 409, reason: 'Conflict' });
    const deleted = await call('DELETE', `${LEASES}/gone`, { body: { preconditions: { resourceVersion: meta(created).resourceVersion } } });
    expect(deleted.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'gone', group: 'coordination.k8s.io', kind: 'leases', uid: meta(created).uid },
    });
    expect((await call('DELETE', `${LEASES}/gone`)).status).toBe(404);
  });

  it('lists with field and label selectors, items without kind, across namespaces', async () => {
    fake.put('configmaps', 'team', { metadata: { name: 'l1', labels: { app: 'x' } }, data: {} });
    fake.put('configmaps', 'team', { metadata: { name: 'l2', labels: { app: 'y' } }, data: {} });
    const list = await call('GET', '/api/v1/namespaces/team/configmaps');
    expect(list.json).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: fake.resourceVersion() } });
    const items = list.json['items'] as KubeObject[];
    expect(items.map((i) => i.metadata.name)).toEqual(['l1', 'l2']);
    expect(items[0]).not.toHaveProperty('kind');
    const named = await call('GET', '/api/v1/namespaces/team/configmaps?fieldSelector=metadata.name%3Dl2');
    expect((named.json['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['l2']);
    const labelled = await call('GET', '/api/v1/namespaces/team/configmaps?labelSelector=app!%3Dy');
    expect((labelled.json['items'] as KubeObject[]).map((i) => i.metadata.name)).toEqual(['l1']);
    const everywhere = await call('GET', '/api/v1/configmaps?fieldSelector=metadata.namespace%3Dteam');
    expect((everywhere.json['items'] as KubeObject[]).map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['team/l1', 'team/l2']);
    expect((await call('GET', `${CM}?fieldSelector=data.a%3D1`)).json['message']).toBe(
      '"data.a" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
    expect(fake.counts()).toEqual({ 'list configmaps': 5 });
  });
});

describe('faults', () => {
  it('forbids a verb on a resource with the Status RBAC writes, for as many calls as asked', async () => {
    fake.put('leases', 'default', { metadata: { name: 'rbac' }, spec: { holderIdentity: 'a' } });
    fake.inject({ kind: 'forbidden', verb: 'update', resource: 'leases', times: 1 });
    const body = { metadata: { name: 'rbac' }, spec: { holderIdentity: 'b' } };
    expect(await call('PUT', `${LEASES}/rbac`, { body })).toMatchObject({
      status: 403,
      json: status(
        403,
        'Forbidden',
        'leases.coordination.k8s.io "rbac" is forbidden: User "system:serviceaccount:default:ssm-render" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "default"',
        { name: 'rbac', group: 'coordination.k8s.io', kind: 'leases' },
      ),
    });
    expect((await call('GET', `${LEASES}/rbac`)).status).toBe(200);
    expect((await call('PUT', `${LEASES}/rbac`, { body })).status).toBe(200);
    fake.inject({ kind: 'forbidden', verb: 'watch', resource: 'configmaps' });
    expect((await call('GET', `${CM}?watch=true`)).json['message']).toBe(
      'configmaps is forbidden: User "system:serviceaccount:default:ssm-render" cannot watch resource "configmaps" in API group "" in the namespace "default"',
    );
  });

  it('answers 401 and 500 on request, delays answers, and drops connections', async () => {
    fake.put('configmaps', 'default', { metadata: { name: 'f' }, data: {} });
    fake.inject({ kind: 'unauthorized', verb: 'get', times: 1 });
    fake.inject({ kind: 'server-error', verb: 'list', times: 1 });
    expect((await call('GET', `${CM}/f`)).status).toBe(401);
    expect((await call('GET', CM)).json).toMatchObject({ code: 500, reason: 'InternalError' });
    fake.inject({ kind: 'latency', latencyMs: 300, name: 'f', times: 1 });
    const started = performance.now();
    expect((await call('GET', `${CM}/f`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    fake.inject({ kind: 'drop', resource: 'configmaps', times: 1 });
    await expect(call('GET', `${CM}/f`)).rejects.toThrow(/fetch failed/);
    expect((await call('GET', `${CM}/f`)).status).toBe(200);
    expect(() => fake.inject({ kind: 'latency' })).toThrow(
      'Expected the fault `latencyMs` to be a non-negative number for a latency rule, got `undefined` (undefined)',
    );
    expect(() => fake.inject({ kind: 'forbidden', verb: 'escalate' as 'get' })).toThrow(/Expected the fault `verb` to be one of get, list/);
  });

  it('stops answering (connection refused) until resumed on the same port, keeping its objects', async () => {
    fake.put('configmaps', 'default', { metadata: { name: 'kept' }, data: { a: '1' } });
    const url = fake.url;
    const port = Number(new URL(url).port);
    await fake.suspend();
    try {
      await expect(call('GET', `${CM}/kept`)).rejects.toThrow(/fetch failed/);
      expect(await accepts(port)).toBe(false);
    } finally {
      await fake.resume();
    }
    expect(fake.url).toBe(url);
    expect(await accepts(port)).toBe(true);
    expect((await call('GET', `${CM}/kept`)).json['data']).toEqual({ a: '1' });
  });
});

interface Stream {
  events: Array<{ type: string; object: KubeObject & { code?: number; reason?: string } }>;
  /** Resolves when the stream has ended; fails after 10 s. */
  ended(): Promise<void>;
  close(): void;
}

/** Opens a watch and collects its newline-delimited events until it ends or is closed. */
async function watch(path: string): Promise<Stream> {
  const abort = new AbortController();
  const response = await fetch(`${fake.url}${path}`, { headers: { Authorization: `Bearer ${fake.token}` }, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json');
  expect(response.headers.get('transfer-encoding')).toBe('chunked');
  const events: Stream['events'] = [];
  const reading = (async () => {
    const decoder = new TextDecoder();
    let partial = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        partial += decoder.decode(chunk, { stream: true });
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) events.push(JSON.parse(line) as Stream['events'][number]);
      }
    } catch {
      // closed by the test or dropped by the server
    }
  })();
  const ended = () =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the watch ${path} did not end within 10 s`)), 10_000);
      void reading.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  return { events, ended, close: () => abort.abort() };
}

const summary = (s: Stream) => s.events.map((e) => `${e.type} ${e.object.metadata?.name ?? e.object.reason}`);

describe('watch', () => {
  it('starts with the current objects, then streams changes to the selected name only', async () => {
    fake.put('configmaps', 'default', { metadata: { name: 'w1' }, data: { v: '1' } });
    const stream = await watch(`${CM}?watch=true&fieldSelector=metadata.name%3Dw1`);
    fake.put('configmaps', 'default', { metadata: { name: 'w2' }, data: {} });
    fake.put('configmaps', 'default', { metadata: { name: 'w1' }, data: { v: '2' } });
    fake.delete('configmaps', 'default', 'w1');
    await eventually(() => (stream.events.length >= 3 ? true : undefined), 5000, 'three events');
    expect(summary(stream)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    expect(stream.events[1]?.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', data: { v: '2' } });
    expect(Number(stream.events[2]?.object.metadata.resourceVersion)).toBe(Number(fake.resourceVersion()));
    expect(fake.openWatches()).toBe(1);
    stream.close();
    await stream.ended();
    await eventually(() => (fake.openWatches() === 0 ? true : undefined), 5000, 'the watch to close');
    expect(fake.counts()['watch configmaps']).toBe(1);
  });

  it('resumes from a resourceVersion, and answers 410 Expired once that version is compacted', async () => {
    fake.put('configmaps', 'default', { metadata: { name: 'r' }, data: { v: '1' } });
    const from = fake.resourceVersion();
    fake.put('configmaps', 'default', { metadata: { name: 'r' }, data: { v: '2' } });
    fake.put('configmaps', 'default', { metadata: { name: 'r' }, data: { v: '3' } });
    const resumed = await watch(`${CM}?watch=true&resourceVersion=${from}&fieldSelector=metadata.name%3Dr`);
    await eventually(() => (resumed.events.length >= 2 ? true : undefined), 5000, 'the replayed events');
    expect(resumed.events.map((e) => `${e.type} ${e.object['data'] && JSON.stringify(e.object['data'])}`)).toEqual([
      'MODIFIED {"v":"2"}',
      'MODIFIED {"v":"3"}',
    ]);
    resumed.close();

    fake.compact();
    const expired = await watch(`${CM}?watch=true&resourceVersion=${from}`);
    await expired.ended();
    expect(expired.events).toEqual([{ type: 'ERROR', object: status(410, 'Expired', `too old resource version: ${from} (${fake.resourceVersion()})`) }]);
  });

  it('ends after timeoutSeconds, with a BOOKMARK first when the client allows them', async () => {
    const started = performance.now();
    const [plain, bookmarked] = await Promise.all([
      watch(`${LEASES}?watch=true&timeoutSeconds=1`),
      watch(`${LEASES}?watch=true&timeoutSeconds=1&allowWatchBookmarks=true&resourceVersion=${fake.resourceVersion()}`),
    ]);
    await Promise.all([plain.ended(), bookmarked.ended()]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(plain.events.every((e) => e.type === 'ADDED')).toBe(true);
    expect(bookmarked.events).toEqual([
      { type: 'BOOKMARK', object: { kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { resourceVersion: fake.resourceVersion() } } },
    ]);
  });

  it('drops every open watch on request, cleanly or abruptly', async () => {
    const [a, b] = await Promise.all([watch(`${CM}?watch=true&resourceVersion=${fake.resourceVersion()}`), watch(`${LEASES}?watch=true&resourceVersion=0`)]);
    expect(fake.openWatches()).toBe(2);
    expect(fake.dropWatches('end')).toBe(2);
    await Promise.all([a.ended(), b.ended()]);
    expect(fake.openWatches()).toBe(0);
    const c = await watch(`${CM}?watch=true&resourceVersion=${fake.resourceVersion()}`);
    expect(fake.dropWatches('destroy')).toBe(1);
    await c.ended();
  });

  it('closes promptly with a watch open', async () => {
    const other = await startFakeKube();
    const response = await fetch(`${other.url}${CM}?watch=true`, { headers: { Authorization: `Bearer ${other.token}` } });
    expect(response.status).toBe(200);
    const started = performance.now();
    await other.close();
    expect(performance.now() - started).toBeLessThan(1000);
    await expect(response.text()).rejects.toThrow();
  });
});
