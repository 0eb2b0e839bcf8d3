import type { Logger } from '../log';
import type { LoopMetrics } from '../metrics';
import type { Served } from '../source/failover';

/**
 * Reports which region served each source that has a fallback: every read to the metrics (and to
 * `record`, the health endpoint's state), and a log line when a source starts reading its fallback (warn) or its primary again (info).
 */
export function servedReporter(
  log: Logger | undefined,
  metrics: LoopMetrics | undefined,
  record?: (source: string, site: Served['site'], region: string) => void,
): (served: Served) => void {
  const last = new Map<string, Served['site']>();
  return (served) => {
    const region = served.region ?? 'unknown';
    metrics?.sourceServed(served.source, served.site, region);
    record?.(served.source, served.site, region);
    const before = last.get(served.source);
    last.set(served.source, served.site);
    if (served.site === 'fallback' && before !== 'fallback') {
      log?.warn(
        { source: served.source, region, site: 'fallback', reason: served.reason },
        `${served.source} read from its fallback region ${region} (primary: ${served.reason ?? 'failed'})`,
      );
    } else if (served.site === 'primary' && before === 'fallback') {
      log?.info({ source: served.source, region, site: 'primary' }, `${served.source} read from its primary region ${region} again`);
    }
  };
}
