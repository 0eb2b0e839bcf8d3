import { describe, expect, it } from 'vitest';
import { servedReporter } from '../../../src/cli/source-served';
import type { Logger } from '../../../src/log';
import { createPromMetrics } from '../../../src/server/prom-metrics';

describe('servedReporter', () => {
  it('counts every read by source, site and region, and logs only when a source changes site', async () => {
    const prom = await createPromMetrics();
    const lines: Array<[string, Record<string, unknown>, string]> = [];
    const log = {
      warn: (fields: Record<string, unknown>, msg: string) => lines.push(['warn', fields, msg]),
      info: (fields: Record<string, unknown>, msg: string) => lines.push(['info', fields, msg]),
    } as unknown as Logger;
    const report = servedReporter(log, prom.metrics);
    report({ source: 'sources[1]', site: 'primary', region: 'eu-west-1' });
    report({ source: 'sources[1]', site: 'fallback', region: 'eu-central-1', reason: 'SERVICE_UNAVAILABLE' });
    report({ source: 'sources[1]', site: 'fallback', region: 'eu-central-1', reason: 'SERVICE_UNAVAILABLE' });
    report({ source: 'sources[1]', site: 'primary', region: 'eu-west-1' });
    expect(lines.map(([level, fields]) => [level, fields['site'], fields['region']])).toEqual([
      ['warn', 'fallback', 'eu-central-1'],
      ['info', 'primary', 'eu-west-1'],
    ]);
    const text = await prom.render();
    expect(text).toContain('ssm_render_source_reads_total{source="sources[1]",site="primary",region="eu-west-1"} 2');
    expect(text).toContain('ssm_render_source_reads_total{source="sources[1]",site="fallback",region="eu-central-1"} 2');
  });
});
