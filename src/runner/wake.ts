import type { Clock } from '../clock';

/** "Render now" (SIGHUP): cuts the current wait short; any number of triggers during a refresh count once. */
export class Wake {
  private pending = false;
  private interrupt: AbortController | undefined;

  trigger(): void {
    this.pending = true;
    this.interrupt?.abort();
  }

  /** Sleep `ms` unless woken or stopped; returns true when woken. */
  async sleep(ms: number, clock: Clock, stop: AbortSignal): Promise<boolean> {
    if (!this.pending && !stop.aborted) {
      // One controller for both causes; AbortSignal.any would pile dependants onto the long-lived stop signal.
      const inner = new AbortController();
      const onStop = () => inner.abort();
      stop.addEventListener('abort', onStop, { once: true });
      this.interrupt = inner;
      await clock.sleep(ms, inner.signal);
      stop.removeEventListener('abort', onStop);
      this.interrupt = undefined;
    }
    const woken = this.pending;
    this.pending = false;
    return woken;
  }
}
