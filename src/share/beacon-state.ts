/** What a pod does each interval: checks and publishes, follows the published versions, or polls on its own. */
export type BeaconMode = 'leader' | 'following' | 'polling';

/** Why a pod polls on its own. */
export type FallbackReason = 'unreachable' | 'forbidden' | 'stale' | 'unreadable' | 'mismatch' | 'not-configured';

export interface BeaconStatus {
  readonly mode: BeaconMode;
  readonly reason?: FallbackReason | undefined;
  /** What was wrong, as a person needs it (names the object and the API answer, never a value). */
  readonly detail?: string | undefined;
  readonly holder?: string | undefined;
}

interface Fault {
  readonly reason: FallbackReason;
  readonly detail: string;
}

/** How many intervals a follower waits for the leader's next publication before it polls on its own. */
export const STALE_INTERVALS = 3;

/**
 * The beacon's health as a state machine. Faults come from the Lease and from the ConfigMap; a pod
 * leads while it holds the lease, follows while both are healthy and the ConfigMap moved within
 * STALE_INTERVALS intervals, and otherwise polls; it returns to following once healthy again.
 * `onChange` hears every change of mode or reason, once.
 */
export class BeaconState {
  private leaseFault: Fault | undefined;
  private configMapFault: Fault | undefined;
  private leader = false;
  private holder: string | undefined;
  private movedAt: number;
  private last: BeaconStatus | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number,
    private readonly onChange: (status: BeaconStatus, previous: BeaconStatus | undefined) => void,
  ) {
    this.movedAt = now();
  }

  lease(result: { leader: boolean; holder: string | undefined } | Fault): void {
    if ('reason' in result) this.leaseFault = result;
    else {
      this.leaseFault = undefined;
      this.leader = result.leader;
      this.holder = result.holder;
    }
    this.evaluate();
  }

  configMap(fault: Fault | undefined): void {
    this.configMapFault = fault;
    this.evaluate();
  }

  /** The leader published a new check. */
  moved(): void {
    this.movedAt = this.now();
    this.evaluate();
  }

  /** Stops leading at once (the lease was lost or given up). */
  notLeader(): void {
    this.leader = false;
    this.evaluate();
  }

  status(): BeaconStatus {
    if (this.leaseFault) return { mode: 'polling', ...this.leaseFault };
    if (this.leader) return { mode: 'leader', holder: this.holder };
    if (this.configMapFault) return { mode: 'polling', ...this.configMapFault, holder: this.holder };
    const quietMs = this.now() - this.movedAt;
    if (quietMs > STALE_INTERVALS * this.intervalMs) {
      const detail = `the versions ConfigMap has not moved for ${Math.round(quietMs / 1000)}s (${STALE_INTERVALS} intervals): no leader is checking`;
      return { mode: 'polling', reason: 'stale', detail, holder: this.holder };
    }
    return { mode: 'following', holder: this.holder };
  }

  /** Recomputes the status and reports a change; returns it. */
  evaluate(): BeaconStatus {
    const status = this.status();
    if (status.mode !== this.last?.mode || status.reason !== this.last?.reason) {
      const previous = this.last;
      this.last = status;
      this.onChange(status, previous);
    }
    return status;
  }
}
