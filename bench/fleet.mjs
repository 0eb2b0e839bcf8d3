// A fleet of real `ssm-render watch` processes on one rate limit: they start together (a rollout, a
// node restart), one interval later a value rotates; how long until every one has it, how much was
// throttled, what failed. Scaled down from a fleet of 300 on AWS's 40 calls/s: the bucket shrinks
// with the fleet (size x 40/300 calls/s, burst the same), so the load on it is the same fraction;
// never below 2 calls/s and a burst of 4, or a refresh's own two calls (list, then the changed
// value) would throttle each other.
/* global fetch */
import { join } from 'node:path';
import { cleanEnv, CLI, sleep, startDaemon, startFake } from './lib/proc.mjs';
import { calls, int, ms, quantile, table } from './lib/stats.mjs';
import { parameters, writeJob } from './lib/workload.mjs';

const N = 10;
const INTERVAL_S = 20;
// What `watch` does unless told first; then each changes one thing.
const SCENARIOS = [
  { jitter: 0.1, env: {} },
  { jitter: 0.1, env: { AWS_MAX_ATTEMPTS: '3' } },
  { jitter: 0, env: {} },
  { jitter: 0.1, env: { AWS_RETRY_MODE: 'adaptive' } },
  { jitter: 0, env: { AWS_RETRY_MODE: 'adaptive' } },
];
const label = (s) =>
  `jitter ${s.jitter ? `±${s.jitter * 100}%` : 'off'}${
    Object.entries(s.env)
      .map(([k, v]) => `, ${k}=${v}`)
      .join('') || ', defaults'
  }`;
const at = (line) => Date.parse(line.time);

/** The sum of every process's samples of each metric (Prometheus text, `name{labels} value`). */
async function scrape(addresses) {
  const sum = {};
  for (const address of addresses) {
    const text = await (await fetch(`http://${address}/metrics`)).text();
    for (const m of text.matchAll(/^(ssm_render_(?:throttles_total|refreshes_total\{result="failed"\}|errors_total\{[^}]*\}))\s+(\S+)$/gm))
      sum[m[1]] = (sum[m[1]] ?? 0) + Number(m[2]);
  }
  return sum;
}

async function scenario(s, { bundles, scratch, rt, size }) {
  const scaled = Math.round((size * 40) / 300);
  const bucket = { perSecond: Math.max(2, scaled), burst: Math.max(4, scaled) };
  const rotating = parameters(N).find((p) => p.type === 'SecureString');
  const watchYaml = `watch: { interval: ${INTERVAL_S}s, jitter: ${s.jitter} }\n`;
  const jobs = Array.from({ length: size }, (_, i) => writeJob(join(scratch, 'fleet', String(i)), { n: N, watch: watchYaml, envOnly: true }));
  const fake = await startFake(bundles.fake, { seed: jobs[0].seed, latencyMs: 20, rateLimit: bucket, env: cleanEnv(scratch) });
  const env = { ...cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url, ...s.env }), ...rt.env };
  const t0 = Date.now();
  const procs = jobs.map((job) => startDaemon([rt.node, ...rt.flags, CLI, 'watch', '--config', job.config, '--listen', '127.0.0.1:0'], { env, cwd: job.dir }));
  try {
    const addresses = await Promise.all(procs.map((p) => p.next((l) => l.msg === 'health endpoints listening').then((l) => l.address)));
    const ready = await Promise.all(procs.map((p) => p.next((l) => l.msg === 'first render complete, watching', 300_000).then((l) => at(l) - t0)));
    const atReady = await scrape(addresses);
    await sleep(INTERVAL_S * 1000);
    const beforeRotation = await scrape(addresses);
    await fake.reset();
    const rotatedAt = Date.now();
    await fake.put(rotating.name, `rotated-${rotatedAt}`, 'SecureString');
    const converged = await Promise.all(
      procs.map((p) =>
        p
          .next((l) => l.msg === 'refresh: files changed', 3 * INTERVAL_S * 1000)
          .then((l) => at(l) - rotatedAt)
          .catch(() => NaN),
      ),
    );
    const after = await scrape(addresses);
    const stats = await fake.stats();
    const exits = await Promise.all(procs.map((p) => p.stop()));
    const count =
      (m, from = {}) =>
      (name) =>
        (m[name] ?? 0) - (from[name] ?? 0);
    const retries = procs.reduce((a, p) => a + p.lines.filter((l) => l.msg.startsWith('Parameter Store not usable yet')).length, 0);
    const codes = Object.fromEntries(
      Object.entries(after)
        .filter(([k, v]) => k.startsWith('ssm_render_errors_total') && v > 0)
        .map(([k, v]) => [/code="([^"]*)"/.exec(k)[1], v]),
    );
    return {
      label: label(s),
      size,
      bucket,
      startup: { allReadyMs: Math.max(...ready), retries, throttled: count(atReady)('ssm_render_throttles_total') },
      steady: {
        throttled: count(beforeRotation, atReady)('ssm_render_throttles_total'),
        failed: count(beforeRotation, atReady)('ssm_render_refreshes_total{result="failed"}'),
      },
      rotation: {
        converged: converged.filter(Number.isFinite).length,
        p50Ms: quantile(converged, 0.5),
        p95Ms: quantile(converged, 0.95),
        maxMs: converged.every(Number.isFinite) ? Math.max(...converged) : NaN,
        boundMs: INTERVAL_S * 1000 * (1 + s.jitter),
        throttled: count(after, beforeRotation)('ssm_render_throttles_total'),
        failed: count(after, beforeRotation)('ssm_render_refreshes_total{result="failed"}'),
        fakeCalls: stats.calls,
      },
      failedRefreshes: count(after)('ssm_render_refreshes_total{result="failed"}'),
      codes,
      exits: exits.filter((e) => e !== 0).length,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await fake.stop();
  }
}

export async function fleet({ bundles, scratch, rts, fleetSize, log }) {
  const results = [];
  for (const s of SCENARIOS) {
    const started = Date.now();
    const r = await scenario(s, { bundles, scratch, rt: rts.at(-1), size: fleetSize });
    results.push(r);
    log(`fleet ${r.label}: ${r.rotation.converged}/${r.size} converged, max ${ms(r.rotation.maxMs / 1000)} s (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  const first = results[0];
  const seconds = (x) => ms(x / 1000);
  const markdown = [
    `${int(first.size)} \`ssm-render watch --listen 127.0.0.1:0\` processes (${rts.at(-1).name}), each with its own config (${N} parameters,`,
    `one .env; interval ${INTERVAL_S} s), against one fake that answers in 20 ms behind a bucket of ${first.bucket.perSecond} calls/s (burst ${first.bucket.burst}):`,
    `${int(first.size)} / ${INTERVAL_S} s = ${(first.size / INTERVAL_S).toFixed(2)} calls/s of steady load, ${Math.round((first.size / INTERVAL_S / first.bucket.perSecond) * 100)}% of the bucket (300 sidecars on 40 calls/s: 38%).`,
    'All start at once; one interval after the last first render, one SecureString rotates. Times come from the',
    "processes' own log lines (`first render complete, watching`, `refresh: files changed`); throttled attempts and failed",
    'refreshes from their `/metrics` (`ssm_render_throttles_total`, `ssm_render_refreshes_total{result="failed"}`); start-up',
    'retries are their "Parameter Store not usable yet" lines. The bound is interval + jitter. On a machine of few cores the',
    "processes' start is CPU-bound and spreads over tens of seconds, so their first calls come less at once than a fleet's",
    'on many nodes would: start-up throttling here is a lower bound.',
    '',
    table(
      [
        'scenario',
        'start-up: all rendered s',
        'start-up retries / throttled',
        'steady interval: throttled / failed',
        'converged',
        'p50 s',
        'p95 s',
        'max s',
        'bound s',
        'rotation: throttled / failed',
        'fake calls (rotation window)',
      ],
      results.map((r) => [
        r.label,
        seconds(r.startup.allReadyMs),
        `${int(r.startup.retries)} / ${int(r.startup.throttled)}`,
        `${int(r.steady.throttled)} / ${int(r.steady.failed)}`,
        `${int(r.rotation.converged)}/${int(r.size)}`,
        seconds(r.rotation.p50Ms),
        seconds(r.rotation.p95Ms),
        seconds(r.rotation.maxMs),
        seconds(r.rotation.boundMs),
        `${int(r.rotation.throttled)} / ${int(r.rotation.failed)}`,
        calls(r.rotation.fakeCalls),
      ]),
      'lrllrrrrrll',
    ),
    '',
    `Error codes of failed refreshes (whole run): ${results.map((r) => `${r.label}: ${calls(r.codes)}`).join('; ')}.`,
  ].join('\n');
  return {
    results,
    markdown,
    figures: Object.fromEntries(
      results.flatMap((r) => [
        [`fleet ${r.label}: max convergence s`, r.rotation.maxMs / 1000],
        [`fleet ${r.label}: failed refreshes`, r.failedRefreshes],
      ]),
    ),
    // What must hold is the defaults' row; the others show what each change costs.
    checks: results.slice(0, 1).map((r) => ({
      check: `fleet (${r.label}): every process converges within interval + jitter, no refresh fails, all exit 0`,
      figure: `${r.rotation.converged}/${r.size} in ${seconds(r.rotation.maxMs)} s (bound ${seconds(r.rotation.boundMs)} s); ${int(r.failedRefreshes)} failed; ${r.exits} non-zero exits`,
      ok: r.rotation.converged === r.size && r.rotation.maxMs <= r.rotation.boundMs && r.failedRefreshes === 0 && r.exits === 0,
    })),
  };
}
