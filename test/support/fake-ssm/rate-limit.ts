import type { RateLimit } from './types';

/** An account-wide token bucket: `burst` tokens, refilled at `perSecond`; no limit when unset. */
export class TokenBucket {
  private tokens = 0;
  private last = 0;
  private limit: RateLimit | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  configure(limit: RateLimit | undefined): void {
    if (limit?.perSecond === this.limit?.perSecond && limit?.burst === this.limit?.burst) return;
    this.limit = limit;
    this.tokens = limit?.burst ?? 0;
    this.last = this.now();
  }

  take(): boolean {
    if (!this.limit) return true;
    const now = this.now();
    const capacity = this.limit.burst ?? 1;
    this.tokens = Math.min(capacity, this.tokens + ((now - this.last) / 1000) * this.limit.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
