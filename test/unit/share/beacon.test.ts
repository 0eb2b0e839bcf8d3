import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../../src/clock';
import { Beacon, type WatchFn } from '../../../src/share/beacon';
import type { ConfigMap } from '../../../src/share/kube-objects';
import { KubeApiError } from '../../../src/share/kube-request';
import { electionTiming, LeaseElection } from '../../../src/share/lease-election';
import { encodeVersions } from '../../../src/share/versions-codec';
import { memoryKube } from './memory-kube';

const PATH = '/APP/PROD/';
const SPREAD = 30_000;

/** A clock whose sleeps end when the test moves time past them (or on abort). */
function manualClock(): Clock & { advance(ms: number): Promise<void>; sleeping: () => number[] } {
  let now = 1_000_000;
  let sleepers: Array<{ until: number; done: () => void }> = [];
  return {
    now: () => now,
    sleep: (ms, signal) =>
      new Promise<void>((done) => {
        if (signal.aborted) return done();
        const sleeper = { until: now + ms, done };
        sleepers.push(sleeper);
        signal.addEventListener('abort', () => done(), { once: true });
      }),
    async advance(ms) {
      now += ms;
      const due = sleepers.filter((s) => s.until <= now);
      sleepers = sleepers.filter((s) => s.until > now);
      for (const s of due) s.done();
      for (let i = 0; i < 20; i++) await Promise.resolve();
    },
    sleeping: () => sleepers.map((s) => s.until - now),
  };
}

/** A watch the test drives: `emit` sends an event, `end`/`drop` finish the current stream. */
function scriptedWatch() {
  const streams: Array<{ rv: string; onChange: (cm: ConfigMap) => void; finish: (how: 'ended' | 'expired' | Error) => void }> = [];
  const watch: WatchFn = (_name, rv, onChange, signal) =>
    new Promise((resolve, reject) => {
      const stream = { rv, onChange, finish: (how: 'ended' | 'expired' | Error) => (how instanceof Error ? reject(how) : resolve(how)) };
      streams.push(stream);
      signal.addEventListener('abort', () => resolve('ended'), { once: true });
    });
  return { watch, streams, current: () => streams[streams.length - 1] };
}

const flush = async () => {
  for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
};

let beacons: Beacon[] = [];
afterEach(async () => {
  await Promise.all(beacons.map((b) => b.stop()));
  beacons = [];
});

function setup(opts: { random?: number; path?: string } = {}) {
  const kube = memoryKube();
  kube.configMaps.set('versions', { metadata: { name: 'versions', resourceVersion: '0' } });
  const clock = manualClock();
  const w = scriptedWatch();
  const wakes: number[] = [];
  const lines: Array<{ level: string; fields: Record<string, unknown>; message: string }> = [];
  const election = new LeaseElection(kube.objects, 'app', 'pod-a', electionTiming(15_000), clock.now);
  const beacon = new Beacon({
    objects: kube.objects,
    watch: w.watch,
    election,
    configMap: 'versions',
    path: opts.path ?? PATH,
    intervalMs: 60_000,
    spreadMs: SPREAD,
    clock,
    random: () => opts.random ?? 0.5,
    log: {
      info: (fields, message) => lines.push({ level: 'info', fields, message }),
      warn: (fields, message) => lines.push({ level: 'warn', fields, message }),
    },
    wake: () => wakes.push(clock.now()),
  });
  beacons.push(beacon);
  return { kube, clock, w, wakes, lines, beacon, election };
}

const published = (versions: Record<string, number>, at = 1_000_000): ConfigMap => ({
  metadata: { name: 'versions', resourceVersion: String(at) },
  data: encodeVersions(PATH, new Map(Object.entries(versions)), at),
});

describe('Beacon', () => {
  it('a follower is woken at a random point of spread after the versions move, once however many events come', async () => {
    const { kube, clock, w, wakes, beacon } = setup({ random: 0.25 });
    // Someone else leads.
    kube.putLease({ metadata: { name: 'app' }, spec: { holderIdentity: 'pod-z', leaseDurationSeconds: 15 } });
    beacon.start();
    await flush();
    w.current()?.onChange(published({ [`${PATH}A`]: 1 }));
    expect(beacon.status().mode).toBe('following');
    expect(wakes).toEqual([]); // the first publication seen is what the first render already matches
    const movedAt = clock.now();
    w.current()?.onChange(published({ [`${PATH}A`]: 2 }, 1_000_100));
    w.current()?.onChange(published({ [`${PATH}A`]: 3 }, 1_000_200));
    expect(beacon.latest()?.versions.get(`${PATH}A`)).toBe(3);
    await clock.advance(SPREAD / 4 - 1);
    expect(wakes).toEqual([]);
    await clock.advance(1);
    expect(wakes).toEqual([movedAt + SPREAD / 4]);
    // A new check time with the same versions moves the ConfigMap (the leader is alive) but wakes nobody.
    w.current()?.onChange(published({ [`${PATH}A`]: 3 }, 1_000_300));
    await clock.advance(SPREAD);
    expect(wakes).toHaveLength(1);
  });

  it('publishes names and versions with the check time, replacing the ConfigMap at the version it read; retries once on a conflict', async () => {
    const { kube, clock, beacon } = setup();
    await beacon.publish(new Map([[`${PATH}A`, 4]]));
    const data = kube.configMaps.get('versions')?.data ?? {};
    expect(JSON.parse(data['versions.json'] as string)).toEqual({ path: PATH, versions: { [`${PATH}A`]: 4 } });
    expect(Date.parse(data['checked-at'] as string)).toBe(clock.now());
    // Another writer moved it: the copy in hand is stale, the retry reads it again.
    kube.configMaps.set('versions', { ...kube.configMaps.get('versions'), metadata: { name: 'versions', resourceVersion: '999' } } as ConfigMap);
    await beacon.publish(new Map([[`${PATH}A`, 5]]));
    expect(JSON.parse(kube.configMaps.get('versions')?.data?.['versions.json'] as string).versions).toEqual({ [`${PATH}A`]: 5 });
    expect(kube.calls.filter((c) => c.endsWith('ConfigMap'))).toEqual([
      'getConfigMap',
      'replaceConfigMap',
      'replaceConfigMap',
      'getConfigMap',
      'replaceConfigMap',
    ]);
  });

  it('creates the ConfigMap when it is missing (when the Role allows it)', async () => {
    const { kube, beacon } = setup();
    kube.configMaps.clear();
    await beacon.publish(new Map([[`${PATH}A`, 1]]));
    expect(kube.configMaps.get('versions')?.data?.['sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a publication for another path is not followed: the pod polls, naming both paths', async () => {
    const { kube, w, lines, beacon } = setup({ path: '/APP/STAGING/' });
    kube.putLease({ metadata: { name: 'app' }, spec: { holderIdentity: 'pod-z', leaseDurationSeconds: 15 } });
    beacon.start();
    await flush();
    w.current()?.onChange(published({ [`${PATH}A`]: 1 }));
    expect(beacon.status()).toMatchObject({ mode: 'polling', reason: 'mismatch' });
    expect(beacon.latest()).toBeUndefined();
    expect(lines.at(-1)?.message).toBe(
      'fleet beacon: polling Parameter Store on its own: the ConfigMap versions holds versions for /APP/PROD/, but this pod renders /APP/STAGING/',
    );
  });

  it('reconnects a watch that ended or dropped from the last resourceVersion seen, reading the ConfigMap again after a drop, without falling back', async () => {
    const { kube, clock, w, beacon } = setup();
    kube.putLease({ metadata: { name: 'app' }, spec: { holderIdentity: 'pod-z', leaseDurationSeconds: 15 } });
    beacon.start();
    await flush();
    expect(w.streams.map((s) => s.rv)).toEqual(['0']);
    w.current()?.onChange(published({ [`${PATH}A`]: 1 }, 1_000_007));
    w.current()?.finish('ended');
    await flush();
    expect(w.streams.map((s) => s.rv)).toEqual(['0', '1000007']);
    w.current()?.finish(new KubeApiError('watch versions: the stream broke off', 0, 'WatchDropped'));
    await flush();
    await clock.advance(1_000);
    await flush();
    expect(w.streams).toHaveLength(3);
    expect(kube.calls.filter((c) => c === 'getConfigMap')).toHaveLength(2);
    expect(beacon.status().mode).toBe('following');
  });

  it('a ConfigMap the pod may not read makes it poll (forbidden), and it follows again once it can', async () => {
    const { kube, clock, w, beacon } = setup();
    kube.putLease({ metadata: { name: 'app' }, spec: { holderIdentity: 'pod-z', leaseDurationSeconds: 15 } });
    kube.fail('getConfigMap', 403, 'Forbidden');
    beacon.start();
    await flush();
    expect(beacon.status()).toMatchObject({ mode: 'polling', reason: 'forbidden' });
    await clock.advance(2_000);
    await flush();
    expect(w.streams).toHaveLength(1);
    expect(beacon.status().mode).toBe('following');
  });
});

describe('Beacon leadership', () => {
  it('a leader whose renewals hang stops leading at the renew deadline, before anyone may take over', async () => {
    const { kube, clock, beacon } = setup();
    beacon.start();
    await flush();
    expect(beacon.status().mode).toBe('leader');
    // From now on every Lease call hangs.
    kube.objects.getLease = () => new Promise(() => undefined);
    await clock.advance(2_000);
    await flush();
    expect(beacon.status().mode).toBe('leader');
    await clock.advance(8_000); // 10 s (the renew deadline) since the last renewal
    expect(beacon.status().mode).toBe('following');
  });
});
