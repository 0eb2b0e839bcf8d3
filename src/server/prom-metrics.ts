import type { LoopMetrics, RefreshRequestResult } from '../metrics';

export interface PromMetrics {
  readonly metrics: LoopMetrics;
  readonly contentType: string;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

/**
 * The loop's metrics as Prometheus series, in a registry of our own (never the global one). Labels
 * are operation names, outcomes and error codes: bounded sets that never carry a value. The one
 * path is a check failure's destination: a file the config names, one series per template.
 */
export async function createPromMetrics(): Promise<PromMetrics> {
  const client = await import('prom-client');
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'ssm_render_' });
  const registers = [registry];
  const refreshes = new client.Counter({
    name: 'ssm_render_refreshes_total',
    help: 'Refreshes by result: changed (files written), unchanged, failed.',
    labelNames: ['result'],
    registers,
  });
  const duration = new client.Histogram({
    name: 'ssm_render_refresh_duration_seconds',
    help: 'Time a refresh took.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const errors = new client.Counter({ name: 'ssm_render_errors_total', help: 'Failed refreshes by error code.', labelNames: ['code'], registers });
  const checkFailures = new client.Counter({
    name: 'ssm_render_check_failures_total',
    help: "Refreshes a template's check refused, by the template's destination; nothing was committed.",
    labelNames: ['template'],
    registers,
  });
  const calls = new client.Counter({
    name: 'ssm_render_parameter_store_calls_total',
    help: 'Parameter Store API calls by operation and outcome (after SDK retries).',
    labelNames: ['operation', 'outcome'],
    registers,
  });
  const throttles = new client.Counter({
    name: 'ssm_render_throttles_total',
    help: 'Throttling responses from Parameter Store, counting every attempt the SDK retried.',
    registers,
  });
  const decryptions = new client.Counter({ name: 'ssm_render_decryptions_total', help: 'SecureString values asked for with decryption.', registers });
  const files = new client.Counter({
    name: 'ssm_render_files_total',
    help: 'Destinations per render by result: written or unchanged.',
    labelNames: ['result'],
    registers,
  });
  const notifications = new client.Counter({
    name: 'ssm_render_notifications_total',
    help: 'Notifications to the app by kind and result.',
    labelNames: ['kind', 'result'],
    registers,
  });
  const parameters = new client.Gauge({ name: 'ssm_render_parameters', help: 'Keys in the last good render.', registers });
  const lastSuccess = new client.Gauge({ name: 'ssm_render_last_success_timestamp_seconds', help: 'Unix time of the last good refresh.', registers });
  const refreshRequests = new client.Counter({
    name: 'ssm_render_refresh_requests_total',
    help: 'POST /refresh by answer: changed, unchanged, failed (the refresh outcome), accepted (still running), stopped, unauthorized (token), forbidden (no token on a non-loopback port).',
    labelNames: ['result'],
    registers,
  });
  const shareMode = new client.Gauge({
    name: 'ssm_render_share_mode',
    help: 'Fleet mode (watch.share): 1 for the mode this pod is in (leader, following, polling), with why it polls.',
    labelNames: ['mode', 'reason'],
    registers,
  });
  const served = new client.Counter({
    name: 'ssm_render_source_reads_total',
    help: 'Reads of a source that has a fallback region, by the site and region that answered.',
    labelNames: ['source', 'site', 'region'],
    registers,
  });
  for (const result of ['changed', 'unchanged', 'failed']) refreshes.inc({ result }, 0);
  const answers: readonly RefreshRequestResult[] = ['changed', 'unchanged', 'failed', 'accepted', 'stopped', 'unauthorized', 'forbidden'];
  for (const result of answers) refreshRequests.inc({ result }, 0);

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    metrics: {
      refresh: (result, ms) => {
        refreshes.inc({ result });
        duration.observe(ms / 1000);
      },
      failure: (code) => errors.inc({ code }),
      checkFailure: (template) => checkFailures.inc({ template }),
      call: (operation, outcome, decrypted) => {
        calls.inc({ operation, outcome });
        if (decrypted > 0) decryptions.inc(decrypted);
      },
      throttled: () => throttles.inc(),
      files: (written, unchanged) => {
        files.inc({ result: 'written' }, written);
        files.inc({ result: 'unchanged' }, unchanged);
      },
      notification: (kind, result) => notifications.inc({ kind, result }),
      parameters: (count) => parameters.set(count),
      lastSuccess: (epochMs) => lastSuccess.set(epochMs / 1000),
      refreshRequest: (result) => refreshRequests.inc({ result }),
      shareMode: (mode, reason) => {
        shareMode.reset();
        shareMode.set({ mode, reason: reason ?? '' }, 1);
      },
      sourceServed: (source, site, region) => served.inc({ source, site, region }),
    },
  };
}
