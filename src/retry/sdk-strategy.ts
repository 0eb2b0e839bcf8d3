import { loadConfig } from '@smithy/core/config';
import {
  AdaptiveRetryStrategy,
  DEFAULT_RETRY_MODE,
  DefaultRateLimiter,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  NODE_RETRY_MODE_CONFIG_OPTIONS,
  RETRY_MODES,
  StandardRetryStrategy,
} from '@smithy/core/retry';
import { attemptsPerCall, type Caller } from './policy';

type Token = Parameters<StandardRetryStrategy['recordSuccess']>[0];
type ErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];
/** What both SDK strategies do; the adaptive one's tokens are the standard one's. */
interface Strategy {
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(token: Token, info: ErrorInfo): Promise<unknown>;
  recordSuccess(token: Token): void;
}
type RateLimiter = NonNullable<ConstructorParameters<typeof AdaptiveRetryStrategy>[1]>['rateLimiter'];

export interface PerCallOptions {
  readonly maxAttempts: () => Promise<number>;
  /** `standard` or `adaptive`, as AWS_RETRY_MODE or the profile's `retry_mode` says. */
  readonly retryMode: () => Promise<string>;
  /** Adaptive mode's client-side rate limiter, shared by every call: its learnt sending rate is worth keeping. */
  readonly rateLimiter?: RateLimiter;
}

/**
 * The SDK's own standard or adaptive retry strategy, with one difference: each call gets a strategy
 * of its own, so a fresh retry budget, instead of sharing the client's bucket (500 tokens, a retry
 * costs 14, or 5 when throttled, and a success gives 1 back), which a long outage drains for hours.
 * Each call stays bounded by its attempts; the watch loop's backoff spaces the calls.
 */
export class PerCallRetryStrategy {
  private readonly owners = new WeakMap<Token, Strategy>();
  private readonly rateLimiter: RateLimiter;

  constructor(private readonly options: PerCallOptions) {
    this.rateLimiter = options.rateLimiter ?? new DefaultRateLimiter();
  }

  retryMode(): Promise<string> {
    return this.options.retryMode();
  }

  async acquireInitialRetryToken(scope: string): Promise<Token> {
    const maxAttempts = await this.options.maxAttempts();
    const strategy: Strategy =
      (await this.retryMode()) === RETRY_MODES.ADAPTIVE
        ? new AdaptiveRetryStrategy(maxAttempts, { maxAttempts, rateLimiter: this.rateLimiter })
        : new StandardRetryStrategy({ maxAttempts });
    return this.own(strategy, await strategy.acquireInitialRetryToken(scope));
  }

  async refreshRetryTokenForRetry(token: Token, info: ErrorInfo): Promise<Token> {
    const strategy = this.ownerOf(token);
    return this.own(strategy, await strategy.refreshRetryTokenForRetry(token, info));
  }

  recordSuccess(token: Token): void {
    this.ownerOf(token).recordSuccess(token);
  }

  private own(strategy: Strategy, token: unknown): Token {
    this.owners.set(token as Token, strategy);
    return token as Token;
  }

  private ownerOf(token: Token): Strategy {
    const strategy = this.owners.get(token);
    if (!strategy) throw new Error('retry token from another strategy');
    return strategy;
  }
}

/**
 * The retry settings of a client, to spread into its config: attempts per call as the policy says
 * for this caller unless AWS_MAX_ATTEMPTS or the profile's `max_attempts` says otherwise, the retry
 * mode from AWS_RETRY_MODE or the profile's `retry_mode` (the SDK's own lookups), a fresh budget per call.
 */
export function sdkRetryConfig(caller: Caller): { maxAttempts: () => Promise<number>; retryStrategy: PerCallRetryStrategy } {
  const maxAttempts = loadConfig({ ...NODE_MAX_ATTEMPT_CONFIG_OPTIONS, default: attemptsPerCall(caller) });
  const retryMode = loadConfig({ ...NODE_RETRY_MODE_CONFIG_OPTIONS, default: DEFAULT_RETRY_MODE });
  return { maxAttempts, retryStrategy: new PerCallRetryStrategy({ maxAttempts, retryMode }) };
}
