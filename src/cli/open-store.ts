import type { Config } from '../config/config';
import type { Logger } from '../log';
import type { LoopMetrics } from '../metrics';
import { templateReferences } from '../render/referenced-keys';
import { CallStats } from '../runner/stats';
import { servedReporter } from './source-served';
import { openParameterStore, parameterStoreSettings, type ParameterStoreConnection } from '../source/open-parameter-store';

/** Parameter Store as every command opens it, or in local dev mode the local values; with the calls counted. */
export interface OpenStore extends ParameterStoreConnection {
  readonly stats: CallStats;
}

export interface OpenStoreOptions {
  readonly metrics?: LoopMetrics | undefined;
  /** For `watch` and `exec`: the retry policy's long-running caller (more attempts per call). */
  readonly longRunning?: boolean | undefined;
  /** Where a source with a fallback says which region served it. */
  readonly log?: Logger | undefined;
  /** Told the site and region of each read of a source with a fallback (`watch`: the health endpoint). */
  readonly recordServed?: ((source: string, site: 'primary' | 'fallback', region: string) => void) | undefined;
}

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
    onServed: servedReporter(options.log, metrics, options.recordServed),
    retry: {
      longRunning: options.longRunning,
      onThrottled: metrics ? () => metrics.throttled() : undefined,
    },
  });
  return { ...store, stats };
}
