import type { Wake } from './wake';

/** How a refresh asked for from outside ended: what `POST /refresh` answers. Never holds a value. */
export type RequestedOutcome =
  | { readonly status: 'changed'; readonly files: readonly string[] }
  | { readonly status: 'unchanged' }
  | { readonly status: 'failed'; readonly code: string; readonly hint: string | undefined; readonly retryable: boolean }
  /** The process stopped before the refresh ran or finished. */
  | { readonly status: 'stopped' };

/** One refresh that answers every request made before it started. */
export interface RefreshTicket {
  readonly id: number;
  /** Undefined until the refresh has ended. */
  readonly outcome: RequestedOutcome | undefined;
  readonly done: Promise<RequestedOutcome>;
}

class Ticket implements RefreshTicket {
  outcome: RequestedOutcome | undefined;
  readonly done: Promise<RequestedOutcome>;
  private resolve: (outcome: RequestedOutcome) => void = () => undefined;

  constructor(readonly id: number) {
    this.done = new Promise((resolve) => (this.resolve = resolve));
  }

  settle(outcome: RequestedOutcome): void {
    if (this.outcome !== undefined) return;
    this.outcome = outcome;
    this.resolve(outcome);
  }
}

/** Settled tickets kept for `GET /refresh/ID`, oldest dropped first. */
const KEEP = 16;
const STOPPED: RequestedOutcome = { status: 'stopped' };

/**
 * "Refresh now" asked from outside (`POST /refresh`). Requests made before a refresh starts share
 * that refresh and its outcome; a request made while one runs cannot know whether that refresh saw
 * what it was asked for (a value put a moment ago), so it asks for exactly one more, which every
 * request until then shares. A burst of any size is at most two refreshes.
 */
export class RefreshRequests {
  private pending: Ticket | undefined;
  private running: Ticket | undefined;
  private readonly settled = new Map<number, Ticket>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly wake: Wake) {}

  /** Ask for a refresh: the one not yet started, or a new one. */
  request(): RefreshTicket {
    if (this.closed) {
      const ticket = new Ticket(this.nextId++);
      ticket.settle(STOPPED);
      return ticket;
    }
    if (this.pending === undefined) {
      this.pending = new Ticket(this.nextId++);
      this.wake.trigger();
    }
    return this.pending;
  }

  /** Whether a request waits for a refresh to start. */
  get waiting(): boolean {
    return this.pending !== undefined;
  }

  /**
   * At the start of a refresh: the requests made so far are answered by it. Returns how to report
   * its outcome, or undefined when nobody asked.
   */
  claim(): ((outcome: RequestedOutcome) => void) | undefined {
    const ticket = this.pending;
    if (ticket === undefined) return undefined;
    this.pending = undefined;
    this.running = ticket;
    return (outcome) => {
      ticket.settle(outcome);
      if (this.running === ticket) this.running = undefined;
      this.keep(ticket);
    };
  }

  /** A request by the id its answer gave; undefined once forgotten (or never made). */
  find(id: number): RefreshTicket | undefined {
    if (this.pending?.id === id) return this.pending;
    if (this.running?.id === id) return this.running;
    return this.settled.get(id);
  }

  /** The loop has stopped: whatever waits is answered `stopped`, and so is any request from now on. */
  close(): void {
    this.closed = true;
    for (const ticket of [this.running, this.pending]) {
      if (ticket === undefined) continue;
      ticket.settle(STOPPED);
      this.keep(ticket);
    }
    this.pending = this.running = undefined;
  }

  private keep(ticket: Ticket): void {
    this.settled.set(ticket.id, ticket);
    for (const id of this.settled.keys()) {
      if (this.settled.size <= KEEP) break;
      this.settled.delete(id);
    }
  }
}
