// Cold render, side by side: ssm-render and what people use instead, each a whole process measured
// by wait4, against the fake as its own process; medians of interleaved runs.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, CLI, measure, sleep, startFake } from './lib/proc.mjs';
import { calls, int, median, medianCalls, mib, ms, ratio, table } from './lib/stats.mjs';
import { HALVES, PATH, writeJob } from './lib/workload.mjs';

const JQ = `.Parameters[] | "\\(.Name | ltrimstr("${PATH}") | gsub("/"; "_"))=\\(.Value)"`;
const BUCKET = { perSecond: 40, burst: 40 };
const RENDER = 'ssm-render render';

/** [N, latency ms] of each group: the default ones, then with `large` those whose runs take seconds each. */
const DEFAULT_GROUPS = [
  [10, 0],
  [100, 0],
  [200, 0],
  [1_000, 0],
  [100, 20],
];
/** The size whose group also renders its parameters as two `sources:` of N/2 (issue 22's row). */
const LAYERED_N = 200;
const LAYERED = `${RENDER}, two sources of N/2`;
const LARGE_GROUPS = [
  [1_000, 20],
  [10_000, 0],
  [10_000, 20],
];

/**
 * Runs per group: N = 100 at 0 ms is the row the start-up targets are set on, and among the noisiest
 * (a fraction of a second a run), so it gets twice `runs`; N = 10,000 at 20 ms is 1,000 calls on the
 * 40/s bucket, about 25 s a run: one.
 */
const runsFor = (runs, n, latencyMs) => (latencyMs === 0 && n === 100 ? runs * 2 : latencyMs > 0 && n >= 10_000 ? 1 : runs);

/** The contenders under each runtime, then awscli (one runtime of its own); `out` is the directory each writes. */
function contenders(job, url, bundles, rts, latencyMs) {
  const list = rts.flatMap((rt) => {
    const node = (...args) => [rt.node, ...rt.flags, ...args];
    return [
      { rt: rt.name, env: rt.env, name: 'floor: node -e 0', argv: node('-e', '0') },
      ...(latencyMs === 0 ? [{ rt: rt.name, env: rt.env, name: 'ssm-render version', argv: node(CLI, 'version') }] : []),
      { rt: rt.name, env: rt.env, name: 'SDK script, bundled', argv: node(bundles.naive, PATH, join(job.dir, 'out-sdk/app.env')), out: 'out-sdk' },
      { rt: rt.name, env: rt.env, name: RENDER, argv: node(CLI, 'render', '--config', job.config), out: 'out' },
      ...(job.layeredConfig ? [{ rt: rt.name, env: rt.env, name: LAYERED, argv: node(CLI, 'render', '--config', job.layeredConfig), out: 'out-layered' }] : []),
    ];
  });
  const aws = `/usr/bin/aws ssm get-parameters-by-path --path ${PATH} --recursive --with-decryption --endpoint-url ${url} --output json | jq -r '${JQ}' > out-aws/app.env`;
  return [...list, { rt: 'awscli 2, Python', env: {}, name: 'awscli, piped to jq', argv: ['/bin/sh', '-c', aws], out: 'out-aws' }];
}

/** Throws unless the run wrote every parameter (and, for ssm-render, its other two files). */
function checkOutput(tool, job) {
  const lines = (f) =>
    readFileSync(join(job.dir, tool.out, f), 'utf8')
      .split('\n')
      .filter(Boolean).length;
  if (lines('app.env') !== job.params.length) throw new Error(`${tool.name} (${tool.rt}) wrote ${lines('app.env')} lines, expected ${job.params.length}`);
  if (tool.name === RENDER || tool.name === LAYERED)
    for (const f of ['app.yaml', 'app.sh']) if (!lines(f)) throw new Error(`${tool.name} (${tool.rt}) left ${f} empty`);
}

async function runOnce(tool, job, fake, env, bucket) {
  if (tool.out) {
    rmSync(join(job.dir, tool.out), { recursive: true, force: true });
    if (tool.name !== RENDER && tool.name !== LAYERED) mkdirSync(join(job.dir, tool.out)); // ssm-render makes its own
  }
  await fake.reset();
  const m = await measure(tool.argv, { env: { ...env, ...tool.env }, cwd: job.dir });
  if (m.status !== 0) throw new Error(`${tool.name} (${tool.rt}) exited ${m.status}: ${m.stderr.slice(-600)}`);
  if (tool.out) checkOutput(tool, job);
  const s = await fake.stats();
  // Let the bucket refill what this run took, so that every run starts with a full bucket.
  if (bucket) await sleep((Math.min(bucket.burst, s.total) / bucket.perSecond) * 1000);
  return { ...m, calls: s.calls, decryptions: s.decryptions };
}

export async function cold({ bundles, scratch, runs, large, sizes, rts, log }) {
  const groups = [];
  for (const [n, latencyMs] of [...DEFAULT_GROUPS, ...(large ? LARGE_GROUPS : [])].filter(([n]) => !sizes || sizes.includes(n))) {
    const job = writeJob(join(scratch, `cold-${n}`), { n, layered: n === LAYERED_N && latencyMs === 0 });
    const bucket = latencyMs > 0 ? BUCKET : undefined;
    const fake = await startFake(bundles.fake, { seed: job.seed, latencyMs, rateLimit: bucket, env: cleanEnv(scratch) });
    try {
      const env = cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url });
      const list = contenders(job, fake.url, bundles, rts, latencyMs);
      const count = runsFor(runs, n, latencyMs);
      const results = list.map(() => []);
      const started = Date.now();
      if (count > 1) for (const t of list) await runOnce(t, job, fake, env, bucket); // warm-up, not counted
      // Rotate the order each round so that no contender always runs first, or right after another.
      for (let r = 0; r < count; r++)
        for (let i = 0; i < list.length; i++) {
          const at = (i + r) % list.length;
          results[at].push(await runOnce(list[at], job, fake, env, bucket));
        }
      const rows = list.map((t, i) => {
        const pick = (k) => median(results[i].map((x) => x[k]));
        return {
          rt: t.rt,
          name: t.name,
          api: t.out !== undefined,
          runs: count,
          wallMs: pick('wallMs'),
          cpuMs: pick('cpuMs'),
          maxrssKiB: pick('maxrssKiB'),
          calls: medianCalls(results[i]),
          decryptions: pick('decryptions'),
        };
      });
      groups.push({ n, latencyMs, rows });
      log(`cold N=${n} ${latencyMs} ms: ${count} runs in ${Math.round((Date.now() - started) / 1000)} s`);
    } finally {
      await fake.stop();
    }
  }
  return { groups, ...report(groups) };
}

function report(groups) {
  const rows = [];
  const ratios = [];
  const figures = {};
  const checks = [];
  for (const g of groups) {
    const at = `N=${g.n} ${g.latencyMs} ms`;
    const aws = g.rows.find((r) => r.name === 'awscli, piped to jq');
    for (const r of g.rows) {
      rows.push([
        int(g.n),
        `${g.latencyMs} ms`,
        r.rt,
        r.name,
        int(r.runs),
        ms(r.wallMs),
        ms(r.cpuMs),
        mib(r.maxrssKiB),
        r.api ? calls(r.calls) : '',
        r.api ? int(r.decryptions) : '',
      ]);
    }
    for (const rt of [...new Set(g.rows.map((r) => r.rt))].filter((name) => name !== aws.rt)) {
      const find = (name) => g.rows.find((r) => r.rt === rt && r.name === name);
      const [me, floor, sdk, version] = [RENDER, 'floor: node -e 0', 'SDK script, bundled', 'ssm-render version'].map(find);
      ratios.push([
        int(g.n),
        `${g.latencyMs} ms`,
        rt,
        ratio(me.wallMs, floor.wallMs),
        ratio(me.wallMs, sdk.wallMs),
        ratio(me.wallMs, aws.wallMs),
        ratio(me.cpuMs, floor.cpuMs),
        ratio(me.cpuMs, sdk.cpuMs),
        version ? ratio(version.wallMs, floor.wallMs) : '',
      ]);
      Object.assign(figures, {
        [`cold ${at} ${rt}: render wall ms`]: me.wallMs,
        [`cold ${at} ${rt}: render CPU ms`]: me.cpuMs,
        [`cold ${at} ${rt}: render peak RSS MiB`]: me.maxrssKiB / 1024,
        [`cold ${at} ${rt}: render / floor`]: me.wallMs / floor.wallMs,
        [`cold ${at} ${rt}: render / SDK script`]: me.wallMs / sdk.wallMs,
      });
      const layered = find(LAYERED);
      if (layered) {
        Object.assign(figures, { [`cold ${at} ${rt}: two sources of N/2 / one path of N, wall`]: layered.wallMs / me.wallMs });
        checks.push({
          check: `cold ${at} ${rt}: two sources of N/2 make the calls and decryptions of one path of N`,
          figure: `${calls(layered.calls)}; ${int(layered.decryptions)} decryptions; wall ${ratio(layered.wallMs, me.wallMs)} one path's`,
          ok: calls(layered.calls) === calls(me.calls) && layered.decryptions === me.decryptions,
        });
      }
      if (g.latencyMs === 0) {
        const want = Math.ceil(g.n / 10);
        checks.push({
          check: `cold ${at} ${rt}: exactly ceil(N/10) path calls and N/2 decryptions`,
          figure: `${calls(me.calls)}; ${int(me.decryptions)} decryptions`,
          ok: calls(me.calls) === `GetParametersByPath ${want}` && me.decryptions === g.n / 2,
        });
      }
    }
  }
  const markdown = [
    'Every parameter under `/BENCH/PROD/` (half SecureString, values of 12 to 40 characters) into files, from a cold start:',
    '',
    '- `ssm-render render`: `node dist/ssm-render.js render --config ssm-render.yaml`, three destinations (`format: dotenv`,',
    '  `format: yaml`, and a Handlebars template writing every parameter as a shell `export`); out/ removed before each run.',
    '- SDK script, bundled: `bench/naive-sdk.mjs`, ten lines on `@aws-sdk/client-ssm` (paginator, `KEY="value"` lines, one file),',
    '  bundled with esbuild as the product is.',
    `- awscli: \`aws ssm get-parameters-by-path --path ${PATH} --recursive --with-decryption --output json | jq -r ... > app.env\`.`,
    '- floor: `node -e 0`; at 0 ms also `ssm-render version` (load the bundle, parse the command line, print).',
    `- at N = ${LAYERED_N}, also \`${LAYERED}\`: the same parameters split in two halves under ${HALVES.join(' and ')}, read`,
    '  as two `sources:` (layered sources) into the same three files.',
    '- `--large` adds N = 1,000 at 20 ms and N = 10,000 at 0 and 20 ms.',
    '',
    "Runtimes: `host` is this machine's node; `+ cache` sets NODE_COMPILE_CACHE to a directory of its own, where the warm-up",
    "run leaves the bundle's code cache (src/boot/code-cache.ts; on Node 22 also Node's own, which the SDK script gets); with",
    "`--image`, Node 22 as it is and as the image runs it (its ENTRYPOINT's flags, its ENV, and a compile cache made as its",
    "Dockerfile makes one, by the ENTRYPOINT running `version`; the SDK script's cache is made by its warm-up run). At 20 ms",
    'the fake also has a 40 calls/s bucket, and each run waits for it to refill; a call count above ceil(N/10) there is',
    'throttled calls the client retried. Each group runs one warm-up round, then the runs in rotating order. API calls and',
    'decryptions are counted by the fake.',
    '',
    table(['N', 'latency', 'runtime', 'command', 'runs', 'wall ms', 'CPU ms', 'peak RSS MiB', 'API calls', 'decryptions'], rows, 'rrllrrrrlr'),
    '',
    'ssm-render render against the others on the same runtime (medians of the same run):',
    '',
    table(
      ['N', 'latency', 'runtime', 'wall / floor', 'wall / SDK script', 'wall / awscli', 'CPU / floor', 'CPU / SDK script', 'version / floor'],
      ratios,
      'rrlrrrrrr',
    ),
  ].join('\n');
  return { markdown, figures, checks };
}
