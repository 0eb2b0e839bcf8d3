/** What health checks and metrics read of the loop. Times are the clock's milliseconds. */
export class WatchState {
  firstSuccessAt: number | undefined;
  lastSuccessAt: number | undefined;
  lastAttemptAt: number | undefined;
  lastErrorCode: string | undefined;
  consecutiveFailures = 0;
  /** The last refresh was refused by a template's check (no stderr, never a value); cleared by a good refresh. */
  checkFailure: string | undefined;
  parameters = 0;
  running = true;
  /** Fleet mode (`watch.share`): leading, following, or polling on its own and why; /readyz shows it. */
  share: { readonly mode: string; readonly reason?: string | undefined; readonly detail?: string | undefined } | undefined;
  /** Sources with a fallback region: which site and region served each one's last read (`sources[3]` -> ...). */
  readonly sourceSites = new Map<string, { readonly site: 'primary' | 'fallback'; readonly region: string }>();
  /** Updated whenever the loop does anything; a loop that stops ticking is not alive. */
  lastTick: number;

  constructor(
    readonly startedAt: number,
    private readonly maxStaleMs: number | undefined,
  ) {
    this.lastTick = startedAt;
  }

  /** Ready: a first good render happened and the data is not older than `max_stale`. */
  ready(now: number): boolean {
    if (this.lastSuccessAt === undefined) return false;
    return this.maxStaleMs === undefined || now - this.lastSuccessAt <= this.maxStaleMs;
  }

  /** Alive: the loop runs and has ticked within `deadlineMs` (the longest it may legitimately wait). */
  alive(now: number, deadlineMs: number): boolean {
    return this.running && now - this.lastTick <= deadlineMs;
  }
}
