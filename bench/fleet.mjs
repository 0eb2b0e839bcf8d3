// 5. Fleet: 300 sidecars on one 40 calls/s bucket; one value rotates; how long until all have it.
import { join } from 'node:path';
import { cleanEnv, runJson, startFake } from './lib/proc.mjs';
import { calls, int, ms, table } from './lib/stats.mjs';
import { parameters, writeJob } from './lib/workload.mjs';

const N = 10;
// attempts: undefined is what `watch` uses unless told (8 attempts); 3 is the SDK's own default.
const SCENARIOS = [
  { jitter: 0.1, retryMode: 'standard' },
  { jitter: 0.1, retryMode: 'standard', attempts: 3 },
  { jitter: 0, retryMode: 'standard' },
  { jitter: 0.1, retryMode: 'adaptive' },
  { jitter: 0, retryMode: 'adaptive' },
];
const label = (r) => `jitter ${r.jitter ? `±${Math.round(r.jitter * 100)}%` : 'off'}, ${r.retryMode}, ${r.attempts} attempts`;

export async function fleet({ bundles, scratch, fleetSize, fleetIntervalS, bucket, log }) {
  const params = parameters(N);
  const rotating = params.find((p) => p.type === 'SecureString');
  const results = [];
  for (const [i, s] of SCENARIOS.entries()) {
    const job = writeJob(join(scratch, `fleet-${i}`), { n: N, params });
    const fake = await startFake(bundles.fake, { seed: job.seed, latencyMs: 20, rateLimit: bucket.perSecond, burst: bucket.burst, env: cleanEnv(scratch) });
    try {
      const env = cleanEnv(scratch, {
        BENCH_URL: fake.url,
        BENCH_DIR: join(job.dir, 'fleet'),
        FLEET_SIZE: String(fleetSize),
        FLEET_INTERVAL_MS: String(fleetIntervalS * 1000),
        FLEET_JITTER: String(s.jitter),
        FLEET_NAME: rotating.name,
        FLEET_KEY: rotating.name.slice('/BENCH/PROD/'.length),
        AWS_RETRY_MODE: s.retryMode,
        ...(s.attempts === undefined ? {} : { AWS_MAX_ATTEMPTS: String(s.attempts) }),
      });
      const started = Date.now();
      const r = await runJson(bundles.fleet, { env, timeoutMs: (120 + 5 * fleetIntervalS) * 1000 });
      results.push(r);
      log(
        `fleet ${label(r)}: ${r.rotation.converged}/${fleetSize} converged, max ${slowest(r.rotation)} s, ${r.totalFailedRefreshes} failed refreshes (${Math.round((Date.now() - started) / 1000)} s)`,
      );
    } finally {
      await fake.stop();
    }
  }
  return { n: N, bucket, results };
}

/** Seconds from a harness figure in ms; null (JSON for "not every instance got there") shows as –. */
const seconds = (valueMs) => ms(valueMs === null || valueMs === undefined ? NaN : valueMs / 1000);
/** The slowest convergence, or `> window` when some instance still had the old value when the wait ended. */
const slowest = (rotation) => (rotation.maxMs === null ? `> ${seconds(rotation.windowMs)}` : seconds(rotation.maxMs));

export function fleetMarkdown({ n, bucket, results }) {
  const first = results[0];
  const rows = results.map((r) => [
    r.jitter ? `±${Math.round(r.jitter * 100)}%` : 'off',
    `${r.retryMode}, ${r.attempts} attempts`,
    `${seconds(r.startup.allReadyMs)} s (${int(r.startup.firstRenderRetries)} retries, ${int(r.startup.throttled)} throttled)`,
    `${int(r.steady.throttled)} / ${int(r.steady.failedRefreshes)}`,
    `${int(r.rotation.converged)}/${int(r.size)}`,
    ms(r.rotation.p50Ms / 1000),
    ms(r.rotation.p95Ms / 1000),
    slowest(r.rotation),
    ms(r.rotation.boundMs / 1000),
    int(r.rotation.throttled),
    int(r.rotation.failedRefreshes),
    calls(r.rotation.fakeCalls),
  ]);
  return [
    `${int(first.size)} \`watch\` instances in one process, each with its own config, refresher, loop and SDK client; ${n} parameters`,
    `each (one path call a refresh); interval ${ms(first.intervalMs / 1000)} s, so the steady load is ${ms(first.size / (first.intervalMs / 1000))} calls/s on a`,
    `${bucket.perSecond} calls/s bucket (burst ${bucket.burst}); the fake answers in 20 ms. All start at once; one interval after the last first`,
    'render, one SecureString rotates. Times in seconds from the rotation; "throttled" counts throttled attempts',
    'the clients saw (the SDK retries them); "failed" counts refreshes that failed after the SDK\'s retries. The',
    "rotation lands one interval after the last first render, just after most instances' first loop refresh, so the",
    'median is high by construction; the bound (interval + jitter) is about the maximum. The first row is what',
    '`watch` does unless told: ±10% jitter (and the first refresh at a random point of the first interval),',
    'standard retry, 8 attempts a call; the others each change one thing.',
    '',
    table(
      [
        'jitter',
        'retry',
        'start-up: all rendered',
        'steady interval: throttled / failed',
        'converged',
        'p50 s',
        'p95 s',
        'max s',
        'bound s',
        'throttled',
        'failed refreshes',
        'fake calls (rotation window)',
      ],
      rows,
      'llllrrrrrrrl',
    ),
    '',
    `Failure codes (first-render retries and failed refreshes, whole run): ${results.map((r) => `${label(r)}: ${calls(r.failureCodes)}`).join('; ')}.`,
  ].join('\n');
}

export function fleetTargets({ results }) {
  return results.map((r, i) => ({
    target: `Fleet (${label(r)}${i === 0 ? ': the defaults' : ''}): all converge within interval + jitter, 0 failed refreshes`,
    figure: `${int(r.rotation.converged)}/${int(r.size)} in ${slowest(r.rotation)} s (bound ${ms(r.rotation.boundMs / 1000)} s); ${int(r.totalFailedRefreshes)} failed refreshes`,
    met: r.rotation.converged === r.size && r.rotation.maxMs <= r.rotation.boundMs && r.totalFailedRefreshes === 0,
  }));
}
