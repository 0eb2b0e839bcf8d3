import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  V1MicroTime,
  Watch,
  type V1ConfigMap,
} from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/cli-process';
import { inClusterDir, startFakeKube, writeKubeconfig, type FakeKube, type KubeObject } from '../support/fake-kube';
import { scratch } from '../support/tmp';
import { findOnPath, type Scratch } from '../support/toolkit';

// The fake Kubernetes API proven by clients nobody here wrote: Debian's kubectl, then
// @kubernetes/client-node, the client the fleet beacon will use.

// KUBECTL=/path/to/kubectl runs these against another build (Debian's kubernetes-client is 1.20).
const KUBECTL = process.env['KUBECTL'] || findOnPath('kubectl');
const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe.skipIf(!KUBECTL)(`kubectl (${KUBECTL ?? 'not installed: skipped'})`, () => {
  // kubectl sends a bearer token only over TLS, so this fake serves https with its own CA.
  let fake: FakeKube;
  let dir: Scratch;
  let kubeconfig: string;

  beforeAll(async () => {
    dir = scratch('fake-kube-kubectl-');
    fake = await startFakeKube({ https: true, token: 'kubectl-test-token' });
    kubeconfig = writeKubeconfig(fake, dir.path('kubeconfig'));
  });
  afterAll(async () => {
    await fake?.close();
    dir?.cleanup();
  });
  beforeEach(() => {
    fake.clearFaults();
    fake.resetCalls();
  });

  const env = () => ({ PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir.dir, KUBECONFIG: kubeconfig });

  /** Runs kubectl to the end (30 s at most); the fake answers from this process, so never synchronously. */
  function kubectl(args: string[], input?: string): Promise<Run> {
    const child = spawn(KUBECTL as string, ['--cache-dir', dir.path('cache'), ...args], { env: env(), stdio: 'pipe' });
    const run = { stdout: '', stderr: '' };
    child.stdout.on('data', (d: Buffer) => (run.stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (run.stderr += d.toString()));
    child.stdin.end(input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    return new Promise((resolve) =>
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, ...run });
      }),
    );
  }

  const json = (run: Run) => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    return JSON.parse(run.stdout) as KubeObject;
  };

  it('gets a ConfigMap as JSON after discovery, with its token and user agent', async () => {
    const stored = fake.put('configmaps', 'default', {
      metadata: { name: 'app-versions', labels: { app: 'demo' } },
      data: { 'versions.json': '{"/app/db":3}' },
    });
    expect(json(await kubectl(['get', 'configmap', 'app-versions', '-o', 'json']))).toEqual(stored);
    const calls = fake.calls();
    expect(calls.filter((c) => c.status !== 200)).toEqual([]);
    // client-go names the binary in the user agent (`kubectl/v1.32.5`, `kubectl.1.33/v1.33.1`); Google Cloud SDK's
    // kubectl is a dispatcher that asks /version first (`kubectl-dispatcher/...`), then runs the kubectl of that minor version.
    expect(calls.filter((c) => c.verb !== 'discovery').map((c) => c.userAgent)).toEqual([expect.stringMatching(/^kubectl(\.[\d.]+)?\/v1\.\d+\.\d+/)]);
    expect(calls.filter((c) => c.verb !== 'discovery').map((c) => `${c.method} ${c.path}`)).toEqual(['GET /api/v1/namespaces/default/configmaps/app-versions']);
    expect(fake.counts()).toMatchObject({ 'get configmaps': 1 });
  });

  it('applies a ConfigMap: creates it, then patches the change (a removed key too) by strategic merge', async () => {
    const manifest = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: default\ndata:\n${data}`;
    const file = dir.write('applied.yaml', manifest('  a: "1"\n  b: "2"\n'));
    const created = await kubectl(['apply', '-f', file]);
    expect(created).toMatchObject({ code: 0, stdout: 'configmap/applied created\n', stderr: '' });
    expect(fake.get('configmaps', 'default', 'applied')?.['data']).toEqual({ a: '1', b: '2' });

    dir.write('applied.yaml', manifest('  a: "10"\n  c: "3"\n'));
    fake.resetCalls();
    expect(await kubectl(['apply', '-f', file])).toMatchObject({ code: 0, stdout: 'configmap/applied configured\n' });
    const applied = fake.get('configmaps', 'default', 'applied');
    expect(applied?.['data']).toEqual({ a: '10', c: '3' });
    expect(JSON.parse(applied?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}')).toMatchObject({
      data: { a: '10', c: '3' },
    });
    const apiCalls = fake.calls().filter((c) => c.verb !== 'discovery');
    expect(apiCalls.map((c) => `${c.verb} ${c.name}`)).toEqual(['get applied', 'patch applied']);
    const query = new URLSearchParams(apiCalls[1]?.query);
    expect(query.get('fieldManager')).toBe('kubectl-client-side-apply');
    expect(await kubectl(['apply', '-f', file])).toMatchObject({ code: 0, stdout: 'configmap/applied unchanged\n' });

    // kubectl 1.27+ finds `fieldValidation` in /openapi/v3 and leaves validation to the server, which
    // then refuses an unknown field; older ones find no schema in /openapi/v2, and the server drops it.
    const typo = await kubectl(['apply', '-f', dir.write('typo.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: typo\ndatum:\n  a: "1"\n')]);
    if (query.get('fieldValidation') === 'Strict') {
      expect(typo.code).toBe(1);
      expect(typo.stderr).toContain('strict decoding error: unknown field "datum"');
    } else {
      expect(typo.code).toBe(0);
      expect(fake.get('configmaps', 'default', 'typo')).not.toHaveProperty('datum');
    }
  });

  it('creates and gets a Lease, and a replace with a stale resourceVersion answers 409 Conflict', async () => {
    const lease = dir.write(
      'lease.yaml',
      'apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: leader\nspec:\n  holderIdentity: pod-a\n  leaseDurationSeconds: 15\n  renewTime: "2025-01-01T00:00:00.000000Z"\n',
    );
    expect(await kubectl(['create', '-f', lease])).toMatchObject({ code: 0, stdout: 'lease.coordination.k8s.io/leader created\n' });
    const read = json(await kubectl(['get', 'lease', 'leader', '-o', 'json']));
    expect(read).toMatchObject({ kind: 'Lease', spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: '2025-01-01T00:00:00.000000Z' } });

    // Another pod renews meanwhile: the copy kubectl holds is now stale.
    fake.put('leases', 'default', { metadata: { name: 'leader' }, spec: { ...(read['spec'] as object), holderIdentity: 'pod-b' } });
    const stale = JSON.stringify({ ...read, spec: { ...(read['spec'] as object), holderIdentity: 'pod-c' } });
    const conflict = await kubectl(['replace', '-f', '-'], stale);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toContain(
      'Error from server (Conflict): error when replacing "STDIN": Operation cannot be fulfilled on leases.coordination.k8s.io "leader": the object has been modified; please apply your changes to the latest version and try again',
    );
    expect(fake.get('leases', 'default', 'leader')?.['spec']).toMatchObject({ holderIdentity: 'pod-b' });
    expect(fake.calls().filter((c) => c.verb === 'update')).toMatchObject([{ method: 'PUT', status: 409, name: 'leader' }]);

    const fresh = JSON.parse((await kubectl(['get', 'lease', 'leader', '-o', 'json'])).stdout) as KubeObject;
    const replaced = await kubectl(['replace', '-f', '-'], JSON.stringify({ ...fresh, spec: { ...(fresh['spec'] as object), holderIdentity: 'pod-c' } }));
    expect(replaced).toMatchObject({ code: 0, stdout: 'lease.coordination.k8s.io/leader replaced\n' });
  });

  it('watches a ConfigMap and prints the MODIFIED events the test causes', async () => {
    fake.put('configmaps', 'default', { metadata: { name: 'watched' }, data: { v: '0' } });
    const child = spawn(
      KUBECTL as string,
      ['--cache-dir', dir.path('cache'), 'get', 'configmap', 'watched', '--watch', '--output-watch-events', '-o', 'json'],
      {
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // kubectl prints each event as an indented JSON document.
    const events = () => stdout.split(/\n(?=\{)/).flatMap((doc) => (doc.trim().endsWith('}') ? [JSON.parse(doc) as { type: string; object: KubeObject }] : []));
    try {
      await eventually(() => (fake.openWatches() === 1 ? true : undefined), 20_000, 'kubectl to open its watch');
      fake.put('configmaps', 'default', { metadata: { name: 'watched' }, data: { v: '1' } });
      fake.put('configmaps', 'default', { metadata: { name: 'unrelated' }, data: {} });
      fake.put('configmaps', 'default', { metadata: { name: 'watched' }, data: { v: '2' } });
      await eventually(() => (events().filter((e) => e.type === 'MODIFIED').length >= 2 ? true : undefined), 20_000, 'two MODIFIED events');
    } finally {
      child.kill('SIGTERM');
      await exited;
      clearTimeout(killer);
    }
    expect(stderr).toBe('');
    expect(events().map((e) => `${e.type} ${e.object.metadata.name} ${JSON.stringify(e.object['data'])}`)).toEqual([
      'ADDED watched {"v":"0"}',
      'MODIFIED watched {"v":"1"}',
      'MODIFIED watched {"v":"2"}',
    ]);
    const watchCall = fake.calls().find((c) => c.verb === 'watch');
    expect(watchCall).toMatchObject({ resource: 'configmaps', namespace: 'default', status: 200 });
    expect(new URLSearchParams(watchCall?.query).get('fieldSelector')).toBe('metadata.name=watched');
  });

  it('shows the Forbidden and Unauthorized Status objects as kubectl reports them', async () => {
    fake.inject({ kind: 'forbidden', verb: 'get', resource: 'configmaps', name: 'secret-ish' });
    const forbidden = await kubectl(['get', 'configmap', 'secret-ish', '-o', 'json']);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr.trim()).toBe(
      'Error from server (Forbidden): configmaps "secret-ish" is forbidden: User "system:serviceaccount:default:ssm-render" cannot get resource "configmaps" in API group "" in the namespace "default"',
    );
    const missing = await kubectl(['get', 'lease', 'nobody', '-o', 'json']);
    expect(missing.stderr.trim()).toBe('Error from server (NotFound): leases.coordination.k8s.io "nobody" not found');
    const wrong = await kubectl(['--token', 'not-the-token', 'get', 'configmap', 'x', '-o', 'json']);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('error: You must be logged in to the server (Unauthorized)');
  });
});

function apiError(error: unknown): { code: number; status: Record<string, unknown> } {
  if (!(error instanceof ApiException)) throw error;
  return { code: error.code, status: JSON.parse(String(error.body)) as Record<string, unknown> };
}

async function failure(promise: Promise<unknown>): Promise<{ code: number; status: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return apiError(error);
  }
  throw new Error('expected the call to fail');
}

describe('@kubernetes/client-node', () => {
  let fake: FakeKube;
  let dir: Scratch;
  let kc: KubeConfig;

  beforeAll(async () => {
    dir = scratch('fake-kube-client-');
    fake = await startFakeKube({ token: 'client-node-token' });
    kc = new KubeConfig();
    kc.loadFromFile(writeKubeconfig(fake, dir.path('kubeconfig')));
  });
  afterAll(async () => {
    await fake?.close();
    dir?.cleanup();
  });
  beforeEach(() => {
    fake.clearFaults();
    fake.resetCalls();
  });

  it('ships no LeaderElection: the beacon writes its own on CoordinationV1Api', () => {
    expect(Object.keys(k8s).filter((name) => /leader|election/i.test(name))).toEqual([]);
  });

  it('creates, reads, patches and replaces a ConfigMap; a stale replace is an ApiException 409 Conflict', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    const namespace = 'default';
    // Parameter names are not valid data keys ([-._a-zA-Z0-9]+): the API server refuses `/app/db`.
    const slashed = await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'versions' }, data: { '/app/db': '1' } } }));
    expect(slashed).toMatchObject({ code: 422, status: { reason: 'Invalid', details: { causes: [{ field: 'data[/app/db]' }] } } });
    const created = await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'versions' }, data: { 'app.db': '1' } } });
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const read = await core.readNamespacedConfigMap({ name: 'versions', namespace });
    expect(read.data).toEqual({ 'app.db': '1' });
    const patched = await core.patchNamespacedConfigMap(
      { name: 'versions', namespace, body: { data: { 'app.api': '4' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(patched.data).toEqual({ 'app.db': '1', 'app.api': '4' });
    const replaced = await core.replaceNamespacedConfigMap({ name: 'versions', namespace, body: { ...patched, data: { 'app.db': '2' } } });
    expect(replaced.data).toEqual({ 'app.db': '2' });
    expect(await failure(core.replaceNamespacedConfigMap({ name: 'versions', namespace, body: { ...read, data: { 'app.db': 'stale' } } }))).toMatchObject({
      code: 409,
      status: { kind: 'Status', reason: 'Conflict', code: 409, details: { name: 'versions', kind: 'configmaps' } },
    });
    expect(await failure(core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'versions' } } }))).toMatchObject({
      code: 409,
      status: { reason: 'AlreadyExists' },
    });
    expect(await failure(core.readNamespacedConfigMap({ name: 'absent', namespace }))).toMatchObject({ code: 404, status: { reason: 'NotFound' } });
    fake.inject({ kind: 'forbidden', verb: 'update', resource: 'configmaps' });
    expect(await failure(core.replaceNamespacedConfigMap({ name: 'versions', namespace, body: replaced }))).toMatchObject({
      code: 403,
      status: { reason: 'Forbidden' },
    });
    const calls = fake.calls();
    expect(calls.map((c) => `${c.verb} ${c.status}`)).toEqual([
      'create 422',
      'create 201',
      'get 200',
      'patch 200',
      'update 200',
      'update 409',
      'create 409',
      'get 404',
      'update 403',
    ]);
    expect(calls[0]?.userAgent).toMatch(/node-fetch/);
  });

  it('watches with the Watch class: events, a clean end, an abrupt drop, and 410 from a compacted resourceVersion', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    fake.put('configmaps', 'default', { metadata: { name: 'watched' }, data: { v: '0' } });
    const events: string[] = [];
    const ended: unknown[] = [];
    const path = '/api/v1/namespaces/default/configmaps';
    const query = { fieldSelector: 'metadata.name=watched', resourceVersion: fake.resourceVersion() };
    await new Watch(kc).watch(
      path,
      query,
      (type, object: V1ConfigMap) => events.push(`${type} ${JSON.stringify(object.data)}`),
      (error) => ended.push(error),
    );
    await eventually(() => (fake.openWatches() === 1 ? true : undefined), 5000, 'the watch');
    await core.replaceNamespacedConfigMap({ name: 'watched', namespace: 'default', body: { metadata: { name: 'watched' }, data: { v: '1' } } });
    await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
    await eventually(() => (events.length >= 2 ? true : undefined), 5000, 'two events');
    expect(events).toEqual(['MODIFIED {"v":"1"}', 'DELETED {"v":"1"}']);
    fake.dropWatches('end');
    await eventually(() => (ended.length === 1 ? true : undefined), 5000, 'the done callback');
    expect(ended).toEqual([null]);

    await new Watch(kc).watch(
      path,
      {},
      () => undefined,
      (error) => ended.push(error),
    );
    await eventually(() => (fake.openWatches() === 1 ? true : undefined), 5000, 'the second watch');
    fake.dropWatches('destroy');
    await eventually(() => (ended.length === 2 ? true : undefined), 5000, 'the done callback');
    expect(ended[1]).toBeInstanceOf(Error);

    const stale = fake.resourceVersion();
    fake.put('configmaps', 'default', { metadata: { name: 'later' }, data: {} });
    fake.compact();
    const errors: unknown[] = [];
    await new Watch(kc).watch(
      path,
      { resourceVersion: stale },
      (type, object) => errors.push({ type, object }),
      (error) => ended.push(error),
    );
    await eventually(() => (ended.length === 3 ? true : undefined), 5000, 'the done callback');
    expect(ended[2]).toBeNull();
    expect(errors).toEqual([{ type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) }]);
  });

  it('keeps an informer current: resumes from its resourceVersion after a clean end, relists after 410, stops on an abrupt drop', async () => {
    const core = kc.makeApiClient(CoreV1Api);
    fake.put('configmaps', 'default', { metadata: { name: 'informed' }, data: { v: '0' } });
    const path = '/api/v1/namespaces/default/configmaps';
    // makeInformer() takes a label selector only; ListWatch also takes the field selector its watch needs.
    const selector = 'metadata.name=informed';
    const list = () => core.listNamespacedConfigMap({ namespace: 'default', fieldSelector: selector });
    const informer = new k8s.ListWatch(path, new Watch(kc), list, false, undefined, selector);
    const seen: string[] = [];
    const errors: unknown[] = [];
    informer.on('add', (o) => seen.push(`add ${o.data?.['v']}`));
    informer.on('update', (o) => seen.push(`update ${o.data?.['v']}`));
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    try {
      fake.put('configmaps', 'default', { metadata: { name: 'informed' }, data: { v: '1' } });
      await eventually(() => (seen.length >= 2 ? true : undefined), 5000, 'the update');
      fake.dropWatches('end');
      await eventually(() => (fake.counts()['watch configmaps'] === 2 && fake.openWatches() === 1 ? true : undefined), 5000, 'a second watch');
      fake.put('configmaps', 'default', { metadata: { name: 'informed' }, data: { v: '2' } });
      await eventually(() => (seen.length >= 3 ? true : undefined), 5000, 'the second update');
      expect(fake.counts()['list configmaps']).toBe(1);

      // A change the informer does not select moves the store on; compacted, its resourceVersion is too old.
      fake.put('configmaps', 'default', { metadata: { name: 'unselected' }, data: {} });
      fake.compact();
      fake.dropWatches('end');
      await eventually(() => (fake.counts()['list configmaps'] === 2 ? true : undefined), 5000, 'a relist');
      fake.put('configmaps', 'default', { metadata: { name: 'informed' }, data: { v: '3' } });
      await eventually(() => (seen.length >= 4 ? true : undefined), 5000, 'the update after a relist');
      expect(fake.counts()['list configmaps']).toBe(2);
      expect(seen).toEqual(['add 0', 'update 1', 'update 2', 'update 3']);

      fake.dropWatches('destroy');
      await eventually(() => (errors.length === 1 ? true : undefined), 5000, 'the error callback');
      const watches = fake.counts()['watch configmaps'];
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.counts()['watch configmaps']).toBe(watches);
      expect(fake.openWatches()).toBe(0);
    } finally {
      await informer.stop();
    }
  });
});

describe('@kubernetes/client-node in-cluster (loadFromCluster over https)', () => {
  let fake: FakeKube;
  let dir: Scratch;
  const saved: Record<string, string | undefined> = {};
  let kc: KubeConfig;

  beforeAll(async () => {
    dir = scratch('fake-kube-incluster-');
    fake = await startFakeKube({ https: true, token: 'service-account-token', namespaces: ['apps'] });
    const { root, env } = inClusterDir(fake, dir.dir, 'apps');
    for (const [key, value] of Object.entries(env)) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    kc = new KubeConfig();
    kc.loadFromCluster(root);
  });
  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await fake?.close();
    dir?.cleanup();
  });
  afterEach(() => fake.clearFaults());

  it('reads the service account: server from the env, CA and token from files, namespace from the namespace file', () => {
    expect(kc.getCurrentCluster()).toMatchObject({ server: fake.url, caFile: dir.path('var/run/secrets/kubernetes.io/serviceaccount/ca.crt') });
    expect(kc.getContexts()[0]?.namespace).toBe('apps');
    expect(readFileSync(dir.path('var/run/secrets/kubernetes.io/serviceaccount/token'), 'utf8')).toBe('service-account-token');
  });

  it('creates, reads and replaces a Lease with MicroTime; a stale replace is 409; a plain Date is refused', async () => {
    const coordination = kc.makeApiClient(CoordinationV1Api);
    const namespace = 'apps';
    const spec = { holderIdentity: 'pod-a', leaseDurationSeconds: 15, acquireTime: new V1MicroTime(), renewTime: new V1MicroTime(), leaseTransitions: 0 };
    const created = await coordination.createNamespacedLease({ namespace, body: { metadata: { name: 'ssm-render-app' }, spec } });
    // MicroTime reads back as the string the server sent, not a Date.
    expect(created.spec?.renewTime).toEqual(expect.stringMatching(MICRO));
    const read = await coordination.readNamespacedLease({ name: 'ssm-render-app', namespace });
    expect(read.spec).toMatchObject({ holderIdentity: 'pod-a', leaseDurationSeconds: 15 });
    const renewed = await coordination.replaceNamespacedLease({
      name: 'ssm-render-app',
      namespace,
      body: { ...read, spec: { ...read.spec, renewTime: new V1MicroTime() } },
    });
    expect(Number(renewed.metadata?.resourceVersion)).toBeGreaterThan(Number(read.metadata?.resourceVersion));
    const takeover = { ...read, spec: { ...read.spec, holderIdentity: 'pod-b', leaseTransitions: 1 } };
    expect(await failure(coordination.replaceNamespacedLease({ name: 'ssm-render-app', namespace, body: takeover }))).toMatchObject({
      code: 409,
      status: {
        kind: 'Status',
        status: 'Failure',
        reason: 'Conflict',
        code: 409,
        message:
          'Operation cannot be fulfilled on leases.coordination.k8s.io "ssm-render-app": the object has been modified; please apply your changes to the latest version and try again',
      },
    });
    const plainDate = { metadata: { name: 'dated' }, spec: { holderIdentity: 'x', renewTime: new Date() as V1MicroTime } };
    expect(await failure(coordination.createNamespacedLease({ namespace, body: plainDate }))).toMatchObject({ code: 400, status: { reason: 'BadRequest' } });
    expect(fake.calls().every((c) => c.status !== 401)).toBe(true);
  });

  it('verifies the server against ca.crt: another self-signed server is refused', async () => {
    const impostor = await startFakeKube({ https: true, token: 'service-account-token', namespaces: ['apps'] });
    try {
      const other = new KubeConfig();
      const cluster = kc.getCurrentCluster();
      const user = kc.getCurrentUser();
      if (!cluster || !user) throw new Error('expected the in-cluster config to have a cluster and a user');
      other.loadFromClusterAndUser({ ...cluster, server: impostor.url }, user);
      const error = await other
        .makeApiClient(CoordinationV1Api)
        .readNamespacedLease({ name: 'ssm-render-app', namespace: 'apps' })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(String(error)).toMatch(/self[- ]signed certificate/);
      expect(impostor.calls()).toEqual([]);
    } finally {
      await impostor.close();
    }
  });
});
