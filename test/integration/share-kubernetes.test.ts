import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually, msg, startCli, type LiveCli } from '../support/cli-process';
import { startFakeKube, writeKubeconfig, type FakeKube } from '../support/fake-kube';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { isolatedEnv } from '../support/run-cli';
import { scratch } from '../support/tmp';
import type { Scratch } from '../support/toolkit';

// Three real `watch` processes share one Lease and one ConfigMap on the fake Kubernetes API, and
// each reads the fake Parameter Store under its own access key, so the fake can tell who called.

const CANARY = 'CANARY-share-7c41f';
const PATH = '/APP/PROD/';
const N = 25;
const LEASE = 'ssm-render-app';
const CONFIGMAP = 'ssm-render-app-versions';
// Short times so a test sees several intervals and a failover in seconds.
const CONFIG = [
  'prefix: /APP',
  'env: PROD',
  'required: [DB/PASSWORD]',
  'watch:',
  '  interval: 2s',
  '  jitter: 0',
  // Every check lists the path, so a pod's own check (leader or polling) shows as GetParametersByPath,
  // apart from a follower's GetParameters for what moved. Checks by name are watch-by-name.test.ts's.
  '  discovery_interval: 1',
  '  share:',
  '    kubernetes:',
  `      lease: ${LEASE}`,
  `      configmap: ${CONFIGMAP}`,
  '      spread: 1s',
  '      lease_duration: 3s',
  'templates:',
  '  - format: dotenv',
  '    destination: out/app.env',
  '',
].join('\n');

let ssm: FakeSsm;
let kube: FakeKube;
let root: Scratch;
let kubeconfig: string;
let pods: Pod[] = [];

interface Pod {
  readonly key: string;
  readonly dir: Scratch;
  readonly cli: LiveCli;
}

beforeAll(async () => {
  ssm = await startFakeSsm();
  kube = await startFakeKube({ namespaces: ['apps'] });
  root = scratch('share-k8s-');
  kubeconfig = writeKubeconfig(kube, root.path('kubeconfig'), { namespace: 'apps' });
});
afterAll(async () => {
  await ssm?.close();
  await kube?.close();
  root?.cleanup();
});
beforeEach(() => {
  for (const name of ssm.names()) ssm.delete(name);
  ssm.clearFaults();
  ssm.resetCounters();
  kube.clearFaults();
  kube.delete('leases', 'apps', LEASE);
  kube.delete('configmaps', 'apps', CONFIGMAP);
  // As examples/kubernetes does: the ConfigMap exists, empty, so the Role needs no `create`.
  kube.put('configmaps', 'apps', { metadata: { name: CONFIGMAP } });
  for (let i = 0; i < N - 1; i++) ssm.put(`${PATH}K${String(i).padStart(2, '0')}`, `value-${i}-${CANARY}`, { type: i % 2 ? 'SecureString' : 'String' });
  ssm.put(`${PATH}DB/PASSWORD`, `pw-1-${CANARY}`, { type: 'SecureString' });
});
afterEach(async () => {
  for (const pod of pods) {
    pod.cli.kill('SIGKILL');
    await pod.cli.exited;
    expect(pod.cli.output()).not.toContain(CANARY);
    pod.dir.cleanup();
  }
  pods = [];
  expect(JSON.stringify(kube.get('configmaps', 'apps', CONFIGMAP) ?? {})).not.toContain(CANARY);
});

function startPod(key: string, extraEnv: Record<string, string> = {}): Pod {
  const dir = scratch(`share-pod-${key}-`);
  dir.write('ssm-render.yaml', CONFIG);
  const env = isolatedEnv({
    AWS_ACCESS_KEY_ID: key,
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: ssm.url,
    AWS_MAX_ATTEMPTS: '2',
    SSM_RENDER_LOG_LEVEL: 'debug',
    KUBECONFIG: kubeconfig,
    HOSTNAME: key,
    ...extraEnv,
  });
  const cli = startCli(['watch', '--listen', '127.0.0.1:0'], { cwd: dir.dir, env });
  const pod = { key, dir, cli };
  pods.push(pod);
  return pod;
}

const password = (pod: Pod) => parseDotenv(readFileSync(pod.dir.path('out/app.env')))['DB_PASSWORD'];
const callsBy = (key: string) => ssm.requests().filter((r) => r.accessKeyId === key);
const leading = msg(/^fleet beacon: leading/);

async function readyz(pod: Pod): Promise<Record<string, unknown>> {
  const address = String((await pod.cli.waitForLog(msg('health endpoints listening')))['address']);
  const res = await fetch(`http://${address}/readyz`);
  const body = await res.text();
  expect(body).not.toContain(CANARY);
  return JSON.parse(body) as Record<string, unknown>;
}

async function metrics(pod: Pod): Promise<string> {
  const address = String((await pod.cli.waitForLog(msg('health endpoints listening')))['address']);
  const text = await (await fetch(`http://${address}/metrics`)).text();
  expect(text).not.toContain(CANARY);
  return text;
}

/** Starts three pods and waits until all rendered and one leads; returns the leader and the followers. */
async function fleet(): Promise<{ leader: Pod; followers: Pod[] }> {
  const all = ['AKIDPODA', 'AKIDPODB', 'AKIDPODC'].map((key) => startPod(key));
  await Promise.all(all.map((p) => p.cli.waitForLog(msg('first render complete, watching'), 20_000)));
  const leader = await eventually(() => all.find((p) => p.cli.logs.some(leading)), 20_000, 'a leader');
  return { leader, followers: all.filter((p) => p !== leader) };
}

describe('watch.share.kubernetes: three watch processes, one Lease, one ConfigMap', () => {
  it('one leader checks the versions and publishes names and versions only; followers fetch only what moved, under their own keys', async () => {
    const { leader, followers } = await fleet();
    // The leader publishes after its first check: every name under the path with its version, no value.
    const published = await eventually(
      () => kube.get('configmaps', 'apps', CONFIGMAP)?.['data'] as Record<string, string> | undefined,
      10_000,
      'a publication',
    );
    const doc = JSON.parse(published['versions.json'] as string) as { path: string; versions: Record<string, number> };
    expect(doc.path).toBe(PATH);
    expect(Object.keys(doc.versions)).toHaveLength(N);
    expect(doc.versions[`${PATH}DB/PASSWORD`]).toBe(1);
    expect(published['sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(published['checked-at'] as string)).toBeGreaterThan(Date.now() - 60_000);

    // Steady state over three intervals: only the leader lists the path; followers make no call at all.
    ssm.resetCounters();
    await new Promise((r) => setTimeout(r, 6_500));
    const byLeader = callsBy(leader.key);
    expect(byLeader.filter((r) => r.operation === 'GetParametersByPath').length).toBeGreaterThanOrEqual(2 * Math.ceil(N / 10));
    for (const follower of followers) expect(callsBy(follower.key)).toEqual([]);

    // A rotation reaches all three; each follower fetches the one name that moved, with GetParameters.
    ssm.resetCounters();
    ssm.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
    for (const pod of [leader, ...followers])
      await eventually(() => (password(pod) === `pw-2-${CANARY}` ? true : undefined), 10_000, `the rotation at ${pod.key}`);
    for (const follower of followers) {
      const calls = callsBy(follower.key);
      expect(calls.map((r) => r.operation)).toEqual(['GetParameters']);
      expect(calls[0]?.resources).toEqual([expect.stringMatching(/parameter\/APP\/PROD\/DB\/PASSWORD$/)]);
    }
    for (const follower of followers) {
      expect(await readyz(follower)).toMatchObject({ status: 'ready', share: { mode: 'following' } });
      expect(await metrics(follower)).toContain('ssm_render_share_mode{mode="following",reason=""} 1');
    }
    expect(await readyz(leader)).toMatchObject({ status: 'ready', share: { mode: 'leader' } });
  }, 90_000);

  it('kill -9 the leader: a follower takes over within the lease duration, and the next rotation still reaches the others', async () => {
    const { leader, followers } = await fleet();
    const holder = () => (kube.get('leases', 'apps', LEASE)?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity ?? '';
    expect(holder()).toMatch(new RegExp(`^${leader.key}_`));
    leader.cli.kill('SIGKILL');
    const killedAt = performance.now();
    await leader.cli.exited;
    const next = await eventually(() => followers.find((p) => holder().startsWith(`${p.key}_`)), 15_000, 'a new holder');
    const tookMs = performance.now() - killedAt;
    // lease_duration 3s, plus one retry period (400 ms) and a slow machine's margin.
    expect(tookMs).toBeLessThan(3_000 + 2_500);
    await next.cli.waitForLog(leading, 5_000);
    const lease = kube.get('leases', 'apps', LEASE)?.['spec'] as { leaseTransitions?: number; renewTime?: string };
    expect(lease.leaseTransitions).toBe(1);
    expect(lease.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    ssm.put(`${PATH}DB/PASSWORD`, `pw-3-${CANARY}`, { type: 'SecureString' });
    for (const pod of followers) await eventually(() => (password(pod) === `pw-3-${CANARY}` ? true : undefined), 10_000, `the rotation at ${pod.key}`);
  }, 90_000);

  it('RBAC forbids the Lease: every pod polls on its own and says so in the log, /readyz and a metric; allowed again, they follow', async () => {
    kube.inject({ kind: 'forbidden', resource: 'leases' });
    const all = ['AKIDPODA', 'AKIDPODB', 'AKIDPODC'].map((key) => startPod(key));
    await Promise.all(all.map((p) => p.cli.waitForLog(msg('first render complete, watching'), 20_000)));
    for (const pod of all) {
      const line = await pod.cli.waitForLog(msg(/^fleet beacon: polling Parameter Store on its own/), 10_000);
      expect(line).toMatchObject({ level: 'warn', mode: 'polling', reason: 'forbidden' });
      expect(String(line['hint'])).toContain('Role');
      expect(await readyz(pod)).toMatchObject({ status: 'ready', share: { mode: 'polling', reason: 'forbidden' } });
      expect(await metrics(pod)).toContain('ssm_render_share_mode{mode="polling",reason="forbidden"} 1');
    }
    // Each polls with its own check: a rotation reaches all three, each having listed the path itself.
    ssm.resetCounters();
    ssm.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
    for (const pod of all) await eventually(() => (password(pod) === `pw-2-${CANARY}` ? true : undefined), 10_000, `the rotation at ${pod.key}`);
    for (const pod of all) expect(callsBy(pod.key).some((r) => r.operation === 'GetParametersByPath')).toBe(true);

    kube.clearFaults();
    const leader = await eventually(() => all.find((p) => p.cli.logs.some(leading)), 15_000, 'a leader once allowed');
    for (const pod of all.filter((p) => p !== leader)) {
      await pod.cli.waitForLog(msg('fleet beacon: healthy again, following the published versions'), 15_000);
      await eventually(async () => ((await readyz(pod))['share'] as { mode: string }).mode === 'following' || undefined, 5_000, 'following on /readyz');
    }
  }, 90_000);

  it('the Kubernetes API goes away: pods poll on their own (reason unreachable), then follow again when it is back', async () => {
    const { leader, followers } = await fleet();
    await kube.suspend();
    try {
      for (const pod of [leader, ...followers]) {
        const line = await pod.cli.waitForLog(msg(/^fleet beacon: polling Parameter Store on its own/), 15_000);
        expect(line).toMatchObject({ reason: 'unreachable' });
      }
      // Meanwhile each checks for itself: a rotation still reaches all three.
      ssm.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
      for (const pod of [leader, ...followers])
        await eventually(() => (password(pod) === `pw-2-${CANARY}` ? true : undefined), 10_000, `the rotation at ${pod.key}`);
      expect(await readyz(followers[0] as Pod)).toMatchObject({ status: 'ready', share: { mode: 'polling', reason: 'unreachable' } });
    } finally {
      await kube.resume();
    }
    await eventually(() => [leader, ...followers].find((p) => p.cli.logs.filter(leading).length > (p === leader ? 1 : 0)), 15_000, 'a leader again');
    await eventually(
      async () => {
        const modes = await Promise.all([leader, ...followers].map(async (p) => ((await readyz(p))['share'] as { mode: string }).mode));
        return modes.sort().join() === 'following,following,leader' || undefined;
      },
      15_000,
      'one leader and two followers again',
    );
  }, 90_000);

  it('a dropped watch is reconnected without falling back, and the next rotation still arrives by the watch', async () => {
    const { leader, followers } = await fleet();
    await eventually(() => (kube.openWatches() >= 3 ? true : undefined), 10_000, 'three watches');
    const watchesBefore = kube.counts()['watch configmaps'] ?? 0;
    kube.dropWatches('destroy');
    await eventually(
      () => ((kube.counts()['watch configmaps'] ?? 0) >= watchesBefore + 3 && kube.openWatches() >= 3 ? true : undefined),
      10_000,
      'the watches again',
    );
    kube.dropWatches('end');
    await eventually(
      () => ((kube.counts()['watch configmaps'] ?? 0) >= watchesBefore + 6 && kube.openWatches() >= 3 ? true : undefined),
      10_000,
      'the watches again',
    );
    ssm.resetCounters();
    ssm.put(`${PATH}DB/PASSWORD`, `pw-2-${CANARY}`, { type: 'SecureString' });
    for (const pod of followers) await eventually(() => (password(pod) === `pw-2-${CANARY}` ? true : undefined), 10_000, `the rotation at ${pod.key}`);
    for (const pod of followers) {
      expect(callsBy(pod.key).map((r) => r.operation)).toEqual(['GetParameters']);
      expect(pod.cli.logs.some(msg(/^fleet beacon: polling/))).toBe(false);
    }
    expect(kube.counts()['list configmaps'] ?? 0).toBe(0);
    void leader;
  }, 90_000);

  it('SIGTERM to the leader gives the Lease up: another pod leads well before the lease would have expired', async () => {
    const { leader, followers } = await fleet();
    const holder = () => (kube.get('leases', 'apps', LEASE)?.['spec'] as { holderIdentity?: string } | undefined)?.holderIdentity ?? '';
    leader.cli.kill('SIGTERM');
    const stoppedAt = performance.now();
    expect((await leader.cli.exited).code).toBe(0);
    await eventually(() => followers.find((p) => holder().startsWith(`${p.key}_`)), 10_000, 'a new holder');
    // The retry period is 400 ms; without the release the lease would run 3 s from the last renewal.
    expect(performance.now() - stoppedAt).toBeLessThan(2_500);
  }, 90_000);

  it('RBAC forbids watching the ConfigMap: followers poll (forbidden) and name the Role to grant; the leader keeps leading', async () => {
    kube.inject({ kind: 'forbidden', verb: 'watch', resource: 'configmaps' });
    const { leader, followers } = await fleet();
    for (const pod of followers) {
      const line = await pod.cli.waitForLog(msg(/^fleet beacon: polling Parameter Store on its own/), 15_000);
      expect(line).toMatchObject({ reason: 'forbidden' });
      expect(String(line['msg'])).toContain('403 Forbidden');
      expect(String(line['hint'])).toContain('examples/kubernetes/fleet/rbac.yaml');
    }
    expect(await readyz(leader)).toMatchObject({ share: { mode: 'leader' } });
  }, 90_000);

  it('the ConfigMap does not move for 3 intervals (the leader cannot write it): followers poll on their own', async () => {
    kube.inject({ kind: 'forbidden', verb: 'update', resource: 'configmaps' });
    const { followers } = await fleet();
    for (const pod of followers) {
      const line = await pod.cli.waitForLog(msg(/^fleet beacon: polling Parameter Store on its own/), 15_000);
      expect(line).toMatchObject({ reason: 'stale' });
      expect(await readyz(pod)).toMatchObject({ share: { mode: 'polling', reason: 'stale' } });
    }
  }, 90_000);
});

describe('watch.share.kubernetes over https', () => {
  it("verifies the API server against the kubeconfig's CA, leads alone and publishes; another CA is refused and the pod polls", async () => {
    const secure = await startFakeKube({ https: true, namespaces: ['apps'] });
    const impostor = await startFakeKube({ https: true, namespaces: ['apps'] });
    try {
      secure.put('configmaps', 'apps', { metadata: { name: CONFIGMAP } });
      const good = writeKubeconfig(secure, root.path('secure-kubeconfig'), { namespace: 'apps' });
      const pod = startPod('AKIDPODS', { KUBECONFIG: good });
      await pod.cli.waitForLog(leading, 20_000);
      await eventually(
        () => (secure.get('configmaps', 'apps', CONFIGMAP)?.['data'] as Record<string, string> | undefined)?.['sha256'],
        15_000,
        'a publication',
      );
      expect(secure.calls().every((c) => c.status !== 401)).toBe(true);

      // A kubeconfig naming the impostor's URL with the real server's CA: TLS verification fails.
      const wrong = writeKubeconfig({ ...impostor, ca: secure.ca }, root.path('wrong-kubeconfig'), { namespace: 'apps' });
      const refused = startPod('AKIDPODW', { KUBECONFIG: wrong });
      const line = await refused.cli.waitForLog(msg(/^fleet beacon: polling Parameter Store on its own/), 15_000);
      expect(line).toMatchObject({ reason: 'unreachable' });
      expect(impostor.calls()).toEqual([]);
    } finally {
      await secure.close();
      await impostor.close();
    }
  }, 90_000);
});
