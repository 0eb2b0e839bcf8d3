import { describe, expect, it } from 'vitest';
import { electionTiming, LeaseElection } from '../../../src/share/lease-election';
import { memoryKube } from './memory-kube';

const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const timing = electionTiming(15_000);

function setup() {
  const kube = memoryKube();
  let now = 1_700_000_000_000;
  const clock = { now: () => now, advance: (ms: number) => (now += ms) };
  const elect = (identity: string) => new LeaseElection(kube.objects, 'app', identity, timing, clock.now);
  return { kube, clock, elect };
}

describe('electionTiming', () => {
  it("is client-go's 15 s / 10 s / 2 s, scaled to the lease duration", () => {
    expect(electionTiming(15_000)).toEqual({ leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 });
    expect(electionTiming(3_000)).toEqual({ leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 400 });
  });
});

describe('LeaseElection', () => {
  it('acquires a lease nobody holds by creating it, with MicroTimes and no transition', async () => {
    const { kube, elect } = setup();
    const a = elect('pod-a');
    expect(await a.tryAcquireOrRenew()).toBe(true);
    expect(a.isLeader()).toBe(true);
    const spec = kube.leases.get('app')?.spec;
    expect(spec).toMatchObject({ holderIdentity: 'pod-a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(spec?.acquireTime).toMatch(MICRO);
    expect(spec?.renewTime).toBe(spec?.acquireTime);
    expect(kube.calls).toEqual(['getLease', 'createLease']);
  });

  it('renews: the renew time moves, the acquire time and the transitions stay', async () => {
    const { kube, clock, elect } = setup();
    const a = elect('pod-a');
    await a.tryAcquireOrRenew();
    const acquired = kube.leases.get('app')?.spec;
    clock.advance(2_000);
    expect(await a.tryAcquireOrRenew()).toBe(true);
    const renewed = kube.leases.get('app')?.spec;
    expect(renewed?.acquireTime).toBe(acquired?.acquireTime);
    expect(renewed?.renewTime).not.toBe(acquired?.renewTime);
    expect(renewed?.leaseTransitions).toBe(0);
  });

  it('a second candidate does not take a lease another holder keeps renewing', async () => {
    const { clock, elect } = setup();
    const a = elect('pod-a');
    const b = elect('pod-b');
    await a.tryAcquireOrRenew();
    for (let i = 0; i < 20; i++) {
      clock.advance(2_000);
      expect(await a.tryAcquireOrRenew()).toBe(true);
      expect(await b.tryAcquireOrRenew()).toBe(false);
    }
    expect(b.isLeader()).toBe(false);
    expect(b.holder()).toBe('pod-a');
  });

  it('takes over a lease whose record has not changed for a lease duration, as it saw it, and counts the transition', async () => {
    const { kube, clock, elect } = setup();
    const a = elect('pod-a');
    const b = elect('pod-b');
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false); // b first sees the record now
    clock.advance(14_999);
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(1);
    expect(await b.tryAcquireOrRenew()).toBe(true);
    expect(kube.leases.get('app')?.spec).toMatchObject({ holderIdentity: 'pod-b', leaseTransitions: 1 });
    // The old leader stepped down by its renew deadline, before b could take over; its next try fails.
    expect(a.isLeader()).toBe(false);
    expect(await a.tryAcquireOrRenew()).toBe(false);
  });

  it("never counts the holder's own timestamps: a renewTime far in the past is not expired until this process has watched it for a lease duration", async () => {
    const { kube, clock, elect } = setup();
    kube.putLease({ metadata: { name: 'app' }, spec: { holderIdentity: 'pod-a', leaseDurationSeconds: 15, renewTime: '2001-01-01T00:00:00.000000Z' } });
    const b = elect('pod-b');
    expect(await b.tryAcquireOrRenew()).toBe(false);
    clock.advance(15_000);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });

  it('loses the round on a conflict (another wrote between its read and its write) and stops leading at once', async () => {
    const { kube, clock, elect } = setup();
    const a = elect('pod-a');
    await a.tryAcquireOrRenew();
    clock.advance(2_000);
    const original = kube.objects.getLease;
    kube.objects.getLease = async (name) => {
      const read = await original(name);
      kube.putLease({ metadata: { name: 'app' }, spec: { holderIdentity: 'pod-z', leaseDurationSeconds: 15 } });
      return read;
    };
    expect(await a.tryAcquireOrRenew()).toBe(false);
    expect(a.isLeader()).toBe(false);
    expect(kube.leases.get('app')?.spec?.holderIdentity).toBe('pod-z');
  });

  it('two candidates racing for a free lease: exactly one wins', async () => {
    const { elect } = setup();
    const results = await Promise.all([elect('pod-a').tryAcquireOrRenew(), elect('pod-b').tryAcquireOrRenew()]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('a leader that cannot renew stays leader only until its renew deadline, and API failures other than a conflict are thrown', async () => {
    const { kube, clock, elect } = setup();
    const a = elect('pod-a');
    await a.tryAcquireOrRenew();
    kube.fail('getLease', 403, 'Forbidden');
    clock.advance(2_000);
    await expect(a.tryAcquireOrRenew()).rejects.toMatchObject({ status: 403, fault: 'forbidden' });
    expect(a.isLeader()).toBe(true);
    clock.advance(7_999);
    expect(a.isLeader()).toBe(true);
    clock.advance(1);
    expect(a.isLeader()).toBe(false);
  });

  it('release gives the lease up, so another takes it at its next try instead of after a lease duration', async () => {
    const { clock, elect } = setup();
    const a = elect('pod-a');
    const b = elect('pod-b');
    await a.tryAcquireOrRenew();
    expect(await b.tryAcquireOrRenew()).toBe(false);
    await a.release();
    expect(a.isLeader()).toBe(false);
    clock.advance(1);
    expect(await b.tryAcquireOrRenew()).toBe(true);
  });
});
