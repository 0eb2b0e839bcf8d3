import type { Config } from '../config/config';
import type { LoopMetrics } from '../metrics';
import { templateReferences } from '../render/referenced-keys';
import { CallStats } from '../runner/stats';
import { openParameterStore, parameterStoreSettings, type ParameterStoreConnection } from '../source/open-parameter-store';

/** Parameter Store as every command opens it, or in local dev mode the local values; with the calls counted. */
export interface OpenStore extends ParameterStoreConnection {
  readonly stats: CallStats;
}

export interface OpenStoreOptions {
  readonly metrics?: LoopMetrics | undefined;
  /**
   * For `watch` and `exec`: a refresh is in no hurry and the files stay good meanwhile, so a call
   * throttled by the account's shared rate limit is retried longer than a one-shot render would.
   */
  readonly longRunning?: boolean | undefined;
}

/** Attempts per call in `watch`/`exec` unless AWS_MAX_ATTEMPTS or the profile's `max_attempts` says. */
export const LOOP_MAX_ATTEMPTS = 8;

const THROTTLING = new Set(['ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded']);

/** Open Parameter Store for the config (local dev mode: its local values, which know the keys the templates use). */
export async function openStore(config: Config, options: OpenStoreOptions = {}): Promise<OpenStore> {
  const stats = new CallStats();
  const metrics = options.metrics;
  const store = await openParameterStore({
    ...parameterStoreSettings(config, { templates: () => templateReferences(config.templates) }),
    onCall: (call) => {
      stats.record(call);
      metrics?.call(call.operation, call.outcome, call.decrypted);
    },
    retry: {
      defaultMaxAttempts: options.longRunning ? LOOP_MAX_ATTEMPTS : undefined,
      onAttemptError: metrics ? (name) => THROTTLING.has(name) && metrics.throttled() : undefined,
    },
  });
  return { ...store, stats };
}
