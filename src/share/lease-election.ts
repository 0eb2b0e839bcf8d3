import { KubeApiError } from './kube-request';
import { microTime, type KubeObjects, type Lease, type LeaseSpec } from './kube-objects';

export interface ElectionTiming {
  /** How long a holder's lease lasts without renewal before another may take it. */
  readonly leaseDurationMs: number;
  /** A leader that has not renewed for this long stops acting as leader (before anyone may take over). */
  readonly renewDeadlineMs: number;
  /** How often candidates try and the leader renews. */
  readonly retryPeriodMs: number;
}

/** client-go's defaults (15 s, 10 s, 2 s), scaled to the lease duration. */
export function electionTiming(leaseDurationMs: number): ElectionTiming {
  return { leaseDurationMs, renewDeadlineMs: Math.round((leaseDurationMs * 2) / 3), retryPeriodMs: Math.round(leaseDurationMs / 7.5) };
}

type LeaseCalls = Pick<KubeObjects, 'getLease' | 'createLease' | 'replaceLease'>;

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go does it. A lease held by another
 * counts as expired only once its record has not changed for a lease duration *as this process saw
 * it* (its own clock, never the holder's timestamps), so clock skew between pods cannot shorten it.
 * Writes carry the resourceVersion read: of two candidates, the API server lets one win (409 for the other).
 */
export class LeaseElection {
  private observed: { readonly spec: LeaseSpec; readonly resourceVersion: string | undefined; readonly at: number } | undefined;
  private renewedAt: number | undefined;

  constructor(
    private readonly api: LeaseCalls,
    readonly name: string,
    readonly identity: string,
    readonly timing: ElectionTiming,
    private readonly now: () => number,
  ) {}

  /** Leader: this process holds the lease and renewed it within the renew deadline. */
  isLeader(): boolean {
    return this.renewedAt !== undefined && this.now() - this.renewedAt < this.timing.renewDeadlineMs;
  }

  /** Who holds the lease, as last seen. */
  holder(): string | undefined {
    return this.observed?.spec.holderIdentity || undefined;
  }

  /**
   * One attempt to take or renew the lease; true when this process holds it now. A conflict (another
   * wrote first) is a lost round, not an error; any other API failure is thrown (a KubeApiError).
   */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    let current: Lease;
    try {
      current = await this.api.getLease(this.name);
    } catch (error) {
      if (!(error instanceof KubeApiError) || error.fault !== 'not-found') throw error;
      return this.write(() => this.api.createLease({ metadata: { name: this.name }, spec: this.spec(now, undefined) }), now);
    }
    const spec = current.spec ?? {};
    if (this.observed?.resourceVersion !== current.metadata.resourceVersion) {
      this.observed = { spec, resourceVersion: current.metadata.resourceVersion, at: now };
    }
    const heldByOther = !!spec.holderIdentity && spec.holderIdentity !== this.identity;
    if (heldByOther && now < (this.observed?.at ?? now) + this.timing.leaseDurationMs) {
      this.renewedAt = undefined;
      return false;
    }
    return this.write(() => this.api.replaceLease({ ...current, spec: this.spec(now, spec) }), now);
  }

  /** On a clean stop the leader gives the lease up, so another takes over at its next try instead of after a lease duration. */
  async release(): Promise<void> {
    if (this.renewedAt === undefined) return;
    this.renewedAt = undefined;
    const current = await this.api.getLease(this.name);
    if (current.spec?.holderIdentity !== this.identity) return;
    await this.api.replaceLease({ ...current, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.now()) } });
  }

  private spec(now: number, previous: LeaseSpec | undefined): LeaseSpec {
    const renewing = previous?.holderIdentity === this.identity;
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.timing.leaseDurationMs / 1000)),
      acquireTime: renewing && previous?.acquireTime ? previous.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (previous?.leaseTransitions ?? 0) + (previous && !renewing ? 1 : 0),
    };
  }

  private async write(send: () => Promise<Lease>, now: number): Promise<boolean> {
    try {
      const written = await send();
      this.observed = { spec: written.spec ?? {}, resourceVersion: written.metadata.resourceVersion, at: now };
      this.renewedAt = now;
      return true;
    } catch (error) {
      if (error instanceof KubeApiError && error.fault === 'conflict') {
        this.renewedAt = undefined;
        return false;
      }
      throw error;
    }
  }
}
