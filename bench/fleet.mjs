// A fleet of real `ssm-render watch` processes on one rate limit: they start together (a rollout, a
// node restart), one interval later a value rotates; how long until every one has it, how much was
// throttled, what failed. Scaled down from a fleet of 300 on AWS's 40 calls/s: the bucket shrinks
// with the fleet (size x 40/300 calls/s, burst the same), so the load on it is the same fraction;
// never below 2 calls/s and a burst of 4, or a refresh's own two calls (list, then the changed
// value) would throttle each other. The beacon scenario (watch.share.kubernetes) adds the fake
// Kubernetes API as its own process: one pod checks for all, the others follow its ConfigMap; after
// the rotation the leader is killed (-9) and another must take the Lease.
/* global fetch */
import { join } from 'node:path';
import { cleanEnv, CLI, sleep, startDaemon, startFake, startFakeKube } from './lib/proc.mjs';
import { calls, int, ms, quantile, table } from './lib/stats.mjs';
import { parameters, writeJob } from './lib/workload.mjs';

const N = 10;
const INTERVAL_S = 20;
const STEADY_INTERVALS = 2;
// The beacon's spread (scaled down with the interval) and its default lease: client-go's 15 s, retry period 2 s.
const SPREAD_S = 5;
const LEASE_S = 15;
const RETRY_PERIOD_S = 2;
// What `watch` does unless told first; then each changes one thing; last, the beacon.
export const SCENARIOS = [
  { name: 'defaults', jitter: 0.1, env: {} },
  { name: 'max-attempts-3', jitter: 0.1, env: { AWS_MAX_ATTEMPTS: '3' } },
  { name: 'no-jitter', jitter: 0, env: {} },
  { name: 'adaptive', jitter: 0.1, env: { AWS_RETRY_MODE: 'adaptive' } },
  { name: 'adaptive-no-jitter', jitter: 0, env: { AWS_RETRY_MODE: 'adaptive' } },
  { name: 'beacon', jitter: 0.1, env: {}, beacon: true },
];
const label = (s) =>
  `jitter ${s.jitter ? `±${s.jitter * 100}%` : 'off'}${
    Object.entries(s.env)
      .map(([k, v]) => `, ${k}=${v}`)
      .join('') || ', defaults'
  }${s.beacon ? ', beacon' : ''}`;
const at = (line) => Date.parse(line.time);
const leading = (l) => l.msg.startsWith('fleet beacon: leading');
const share = `  share: { kubernetes: { lease: ssm-render-bench, configmap: ssm-render-bench-versions, spread: ${SPREAD_S}s } }\n`;

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
  const watchYaml = `watch:\n  interval: ${INTERVAL_S}s\n  jitter: ${s.jitter}\n${s.beacon ? share : ''}`;
  const jobs = Array.from({ length: size }, (_, i) => writeJob(join(scratch, 'fleet', String(i)), { n: N, watch: watchYaml, envOnly: true }));
  const fake = await startFake(bundles.fake, { seed: jobs[0].seed, latencyMs: 20, rateLimit: bucket, env: cleanEnv(scratch) });
  const kube = s.beacon
    ? await startFakeKube(bundles.fakeKube, {
        kubeconfig: join(scratch, 'kubeconfig'),
        namespace: 'bench',
        configmap: 'ssm-render-bench-versions',
        env: cleanEnv(scratch),
      })
    : undefined;
  const env = { ...cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url, ...(kube ? { KUBECONFIG: kube.kubeconfig } : {}), ...s.env }), ...rt.env };
  const t0 = Date.now();
  const procs = jobs.map((job, i) =>
    startDaemon([rt.node, ...rt.flags, CLI, 'watch', '--config', job.config, '--listen', '127.0.0.1:0'], {
      env: { ...env, HOSTNAME: `pod-${i}` },
      cwd: job.dir,
    }),
  );
  try {
    const addresses = await Promise.all(procs.map((p) => p.next((l) => l.msg === 'health endpoints listening').then((l) => l.address)));
    const ready = await Promise.all(procs.map((p) => p.next((l) => l.msg === 'first render complete, watching', 300_000).then((l) => at(l) - t0)));
    // With the beacon, steady state begins once every pod has rendered and one leads.
    for (let i = 0; s.beacon && !procs.some((p) => p.lines.some(leading)); i++) {
      if (i === 600) throw new Error(`fleet ${label(s)}: no pod leads 60 s after every pod rendered`);
      await sleep(100);
    }
    const atReady = await scrape(addresses);
    await fake.reset();
    await sleep(STEADY_INTERVALS * INTERVAL_S * 1000);
    const steadyCalls = (await fake.stats()).total / STEADY_INTERVALS;
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
    const leader = s.beacon ? procs.findLast((p) => p.lines.some(leading)) : undefined;
    const failoverMs = leader ? await failover(leader, procs) : NaN;
    const exits = await Promise.all(procs.filter((p) => p !== leader).map((p) => p.stop()));
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
      name: s.name,
      label: label(s),
      size,
      bucket,
      startup: { allReadyMs: Math.max(...ready), retries, throttled: count(atReady)('ssm_render_throttles_total') },
      steady: {
        calls: steadyCalls,
        throttled: count(beforeRotation, atReady)('ssm_render_throttles_total'),
        failed: count(beforeRotation, atReady)('ssm_render_refreshes_total{result="failed"}'),
      },
      rotation: {
        converged: converged.filter(Number.isFinite).length,
        p50Ms: quantile(converged, 0.5),
        p95Ms: quantile(converged, 0.95),
        maxMs: converged.every(Number.isFinite) ? Math.max(...converged) : NaN,
        // The leader's check comes within interval + jitter; with the beacon its followers then fetch within spread.
        boundMs: INTERVAL_S * 1000 * (1 + s.jitter) + (s.beacon ? SPREAD_S * 1000 : 0),
        throttled: count(after, beforeRotation)('ssm_render_throttles_total'),
        failed: count(after, beforeRotation)('ssm_render_refreshes_total{result="failed"}'),
        fakeCalls: stats.calls,
      },
      failover: { ms: failoverMs, boundMs: (LEASE_S + RETRY_PERIOD_S) * 1000 },
      failedRefreshes: count(after)('ssm_render_refreshes_total{result="failed"}'),
      codes,
      exits: exits.filter((e) => e !== 0).length,
    };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await fake.stop();
    await kube?.stop();
  }
}

/** kill -9 the leader: ms until another pod logs that it leads. */
async function failover(leader, procs) {
  leader.signal('SIGKILL');
  const killedAt = Date.now();
  const next = procs.filter((p) => p !== leader).map((p) => p.next((l) => leading(l) && at(l) >= killedAt, 4 * LEASE_S * 1000));
  return Promise.any(next).then(
    (l) => at(l) - killedAt,
    () => NaN,
  );
}

/** The checks of one row: the defaults' must hold; the beacon's are issue 24's targets. The other rows show what each change costs. */
function checks(r) {
  const seconds = (x) => ms(x / 1000);
  const converged = r.rotation.converged === r.size && r.rotation.maxMs <= r.rotation.boundMs;
  const perCheck = Math.ceil(N / 10);
  if (r.name === 'defaults')
    return [
      {
        check: `fleet (${r.label}): every process converges within interval + jitter, no refresh fails, all exit 0`,
        figure: `${r.rotation.converged}/${r.size} in ${seconds(r.rotation.maxMs)} s (bound ${seconds(r.rotation.boundMs)} s); ${int(r.failedRefreshes)} failed; ${r.exits} non-zero exits`,
        ok: converged && r.failedRefreshes === 0 && r.exits === 0,
      },
    ];
  if (r.name !== 'beacon') return [];
  return [
    {
      check: `fleet (${r.label}): Parameter Store calls per interval in steady state, whole fleet of ${r.size}, at most ceil(N/10) + 1`,
      figure: `${r.steady.calls} (bound ${perCheck + 1}; without the beacon ${r.size} x ${perCheck} = ${r.size * perCheck})`,
      ok: r.steady.calls <= perCheck + 1,
    },
    {
      check: `fleet (${r.label}): a rotation reaches every pod within interval + jitter + spread`,
      figure: `${r.rotation.converged}/${r.size} in ${seconds(r.rotation.maxMs)} s (bound ${seconds(r.rotation.boundMs)} s)`,
      ok: converged,
    },
    {
      check: `fleet (${r.label}): no refresh fails, every pod but the killed leader exits 0`,
      figure: `${int(r.failedRefreshes)} failed; ${r.exits} non-zero exits`,
      ok: r.failedRefreshes === 0 && r.exits === 0,
    },
    {
      check: `fleet (${r.label}): kill -9 the leader, another pod leads within lease duration + retry period`,
      figure: `${seconds(r.failover.ms)} s (bound ${seconds(r.failover.boundMs)} s)`,
      ok: r.failover.ms <= r.failover.boundMs,
    },
  ];
}

export async function fleet({ bundles, scratch, rts, fleetSize, fleetScenarios, log }) {
  const results = [];
  for (const s of SCENARIOS.filter((x) => !fleetScenarios || fleetScenarios.includes(x.name))) {
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
    `All start at once; ${STEADY_INTERVALS} intervals after the last first render, one SecureString rotates. Times come from the`,
    "processes' own log lines (`first render complete, watching`, `refresh: files changed`); throttled attempts and failed",
    'refreshes from their `/metrics` (`ssm_render_throttles_total`, `ssm_render_refreshes_total{result="failed"}`); start-up',
    'retries are their "Parameter Store not usable yet" lines; steady calls are the fake\'s count over the',
    `${STEADY_INTERVALS} intervals after the last first render, per interval. The bound is interval + jitter. With the beacon`,
    `(\`watch.share.kubernetes\`, the fake Kubernetes API as its own process, spread ${SPREAD_S} s, lease ${LEASE_S} s): one pod checks for all,`,
    'the bound adds the spread, and after the rotation the leader is killed (-9): failover is the time until another pod',
    `logs \`fleet beacon: leading\` (bound: lease + retry period, ${LEASE_S + RETRY_PERIOD_S} s). On a machine of few cores the`,
    "processes' start is CPU-bound and spreads over tens of seconds, so their first calls come less at once than a fleet's",
    'on many nodes would: start-up throttling here is a lower bound.',
    '',
    table(
      [
        'scenario',
        'start-up: all rendered s',
        'start-up retries / throttled',
        'steady: PS calls / interval (fleet)',
        'steady: throttled / failed',
        'converged',
        'p50 s',
        'p95 s',
        'max s',
        'bound s',
        'rotation: throttled / failed',
        'fake calls (rotation window)',
        'failover s',
      ],
      results.map((r) => [
        r.label,
        seconds(r.startup.allReadyMs),
        `${int(r.startup.retries)} / ${int(r.startup.throttled)}`,
        r.steady.calls,
        `${int(r.steady.throttled)} / ${int(r.steady.failed)}`,
        `${int(r.rotation.converged)}/${int(r.size)}`,
        seconds(r.rotation.p50Ms),
        seconds(r.rotation.p95Ms),
        seconds(r.rotation.maxMs),
        seconds(r.rotation.boundMs),
        `${int(r.rotation.throttled)} / ${int(r.rotation.failed)}`,
        calls(r.rotation.fakeCalls),
        seconds(r.failover.ms),
      ]),
      'lrlrlrrrrrllr',
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
        [`fleet ${r.label}: steady calls per interval`, r.steady.calls],
        ...(Number.isFinite(r.failover.ms) ? [[`fleet ${r.label}: failover s`, r.failover.ms / 1000]] : []),
      ]),
    ),
    checks: results.flatMap(checks),
  };
}
