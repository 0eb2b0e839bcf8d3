// 1-2. Cold render of N parameters by ssm-render and by what people use instead, each a whole
// process measured by wait4, against the fake as its own process; medians of interleaved runs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, imageEnv, imageNode, imageNodeFlags, measure, ROOT, sleep, startFake } from './lib/proc.mjs';
import { calls, int, median, mib, ms, ratio, table } from './lib/stats.mjs';
import { PATH, writeJob } from './lib/workload.mjs';

const CLI = join(ROOT, 'dist/ssm-render.js');
const NAIVE = join(ROOT, 'bench/naive-sdk.mjs');
const JQ = `.Parameters[] | "\\(.Name | ltrimstr("${PATH}") | gsub("/"; "_"))=\\(.Value)"`;

// The image's two render rows; the second's name starts with the first's.
const IMAGE_RENDER = 'image: ssm-render render, Node 22 + image flags';
const IMAGE_CACHED = `${IMAGE_RENDER} + compile cache`;
// The least any tool on @aws-sdk/client-ssm can cost (bench/sdk-alone.mjs), on the host and as the image would run it.
const SDK_ALONE = 'SDK alone: one signed request, answered in memory (bundled)';
const IMAGE_SDK_ALONE = 'image: SDK alone, Node 22 + image flags + compile cache';

const lines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

/**
 * The image's way to start, when npx can fetch Node 22: its node, flags and environment, and a compile
 * cache made the way its Dockerfile makes one (the ENTRYPOINT running `version` with NODE_COMPILE_CACHE set).
 */
function imageStart(scratch, bundles) {
  const node = imageNode();
  if (!node) return undefined;
  const flags = imageNodeFlags();
  const cache = join(scratch, 'compile-cache');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(cache);
  const env = imageEnv();
  const prime = { env: { ...cleanEnv(scratch), ...env, NODE_COMPILE_CACHE: cache }, stdio: 'ignore' };
  execFileSync(node.path, [...flags, CLI, 'version'], prime);
  execFileSync(node.path, [...flags, bundles.sdkAlone, PATH], prime);
  return { node, flags, env, cache };
}

/** The contenders for one job; `check` throws unless the run produced the whole file. */
function tools(job, bundles, url, latencyMs, image) {
  const node = process.execPath;
  const file = (d) => join(job.dir, d, 'app.env');
  const wrote = (d) => () => {
    const got = lines(file(d));
    if (got !== job.params.length) throw new Error(`${d}/app.env has ${got} lines, expected ${job.params.length}`);
    if (d === 'out') for (const f of ['app.yaml', 'app.sh']) if (!lines(join(job.dir, d, f))) throw new Error(`${d}/${f} is empty`);
  };
  const aws = `/usr/bin/aws ssm get-parameters-by-path --path ${PATH} --recursive --with-decryption --endpoint-url ${url} --output json | jq -r '${JQ}' > out-aws/app.env`;
  const list = [
    { name: 'floor: node -e 0', argv: [node, '-e', '0'], api: false },
    { name: 'ssm-render version (load only)', argv: [node, CLI, 'version'], api: false, only0: true },
    { name: 'ssm-render render', argv: [node, CLI, 'render', '--config', job.config], dir: 'out', check: wrote('out'), api: true, main: true },
    { name: 'awscli, piped to jq', argv: ['/bin/sh', '-c', aws], dir: 'out-aws', check: wrote('out-aws'), api: true },
    { name: 'SDK script (node_modules)', argv: [node, NAIVE, PATH, file('out-sdk')], dir: 'out-sdk', check: wrote('out-sdk'), api: true },
    { name: 'SDK script (bundled)', argv: [node, bundles.naiveBundled, PATH, file('out-sdkb')], dir: 'out-sdkb', check: wrote('out-sdkb'), api: true },
    { name: SDK_ALONE, argv: [node, bundles.sdkAlone, PATH], api: false, only0: true },
  ];
  if (image) {
    const render = [image.node.path, ...image.flags, CLI, 'render', '--config', job.config];
    list.push(
      { name: `Node 22 floor: node -e 0 (${image.node.version})`, argv: [image.node.path, '-e', '0'], api: false, only0: true },
      { name: IMAGE_RENDER, argv: render, env: image.env, dir: 'out', check: wrote('out'), api: true, only0: true },
      { name: IMAGE_CACHED, argv: render, env: { ...image.env, NODE_COMPILE_CACHE: image.cache }, dir: 'out', check: wrote('out'), api: true, only0: true },
      {
        name: IMAGE_SDK_ALONE,
        argv: [image.node.path, ...image.flags, bundles.sdkAlone, PATH],
        env: { ...image.env, NODE_COMPILE_CACHE: image.cache },
        api: false,
        only0: true,
      },
    );
  }
  return list.filter((t) => !t.only0 || latencyMs === 0);
}

/** ssm-render's own count of its logical calls (after SDK retries), from its summary log line. */
function ownCalls(stderr) {
  const line = stderr.split('\n').find((l) => l.includes('"render complete"'));
  return line ? Object.values(JSON.parse(line).calls).reduce((a, b) => a + b, 0) : NaN;
}

async function runOnce(tool, job, fake, env, bucket) {
  if (tool.dir) {
    rmSync(join(job.dir, tool.dir), { recursive: true, force: true });
    if (tool.dir !== 'out') mkdirSync(join(job.dir, tool.dir)); // ssm-render makes its own
  }
  await fake.reset();
  const m = await measure(tool.argv, { env: { ...env, ...tool.env }, cwd: job.dir, timeoutMs: 180_000 });
  if (m.status !== 0) throw new Error(`${tool.name} exited ${m.status}: ${m.stderr.slice(-600)}`);
  tool.check?.();
  const s = await fake.stats();
  // Let the bucket refill what this run took, so that every run starts with a full bucket.
  if (bucket) await sleep((Math.min(bucket.burst, s.total) / bucket.perSecond) * 1000);
  return { ...m, calls: s.calls, total: s.total, decryptions: s.decryptions, own: tool.main ? ownCalls(m.stderr) : NaN };
}

function summarize(tool, results, n) {
  const pick = (k) => median(results.map((r) => r[k]));
  const ops = [...new Set(results.flatMap((r) => Object.keys(r.calls)))];
  const expected = tool.api ? Math.ceil(n / 10) : 0;
  return {
    tool: tool.name,
    api: tool.api,
    runs: results.length,
    wallMs: pick('wallMs'),
    cpuMs: pick('cpuMs'),
    userMs: pick('userMs'),
    sysMs: pick('sysMs'),
    maxrssKiB: pick('maxrssKiB'),
    calls: Object.fromEntries(ops.map((op) => [op, median(results.map((r) => r.calls[op] ?? 0))])),
    total: pick('total'),
    throttled: tool.api ? pick('total') - (tool.main ? pick('own') : expected) : 0,
    decryptions: pick('decryptions'),
    expectedCalls: expected,
  };
}

/** How many times `--runs` the cold jobs of 10 and 100 parameters at 0 ms get. */
export const SMALL_JOB_RUNS = 3;

/**
 * Runs per group. Small jobs at 0 ms take a fraction of a second a run, yet their medians (the N=100
 * targets among them) moved by 10% between runs of the same build with 5 runs: they get three times
 * as many. The 20 ms series at N=10,000 takes ~25 s a run (1,000 calls on a 40/s bucket): one.
 */
function runsFor(runs, n, latencyMs) {
  if (latencyMs === 0 && n <= 100) return runs * SMALL_JOB_RUNS;
  return latencyMs > 0 && n >= 10_000 ? Math.min(runs, 1) : runs;
}

export async function cold({ bundles, scratch, runs, ns, latencies, bucket, log }) {
  const groups = [];
  const image = imageStart(scratch, bundles);
  for (const n of ns) {
    const job = writeJob(join(scratch, `cold-${n}`), { n });
    const fake = await startFake(bundles.fake, { seed: job.seed, env: cleanEnv(scratch) });
    try {
      for (const latencyMs of latencies) {
        const limited = latencyMs > 0 ? bucket : undefined;
        await fake.options({ latencyMs, rateLimit: limited ?? null });
        const env = cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url });
        const list = tools(job, bundles, fake.url, latencyMs, image);
        const count = runsFor(runs, n, latencyMs);
        const results = new Map(list.map((t) => [t, []]));
        const started = Date.now();
        if (count > 1) for (const t of list) await runOnce(t, job, fake, env, limited); // warm-up, not counted
        for (let r = 0; r < count; r++) {
          // Rotate the order each round so no tool always runs first (or right after the floor).
          for (let i = 0; i < list.length; i++) {
            const t = list[(i + r) % list.length];
            results.get(t).push(await runOnce(t, job, fake, env, limited));
          }
        }
        const rows = list.map((t) => summarize(t, results.get(t), n));
        groups.push({ n, latencyMs, rateLimit: limited, rows });
        log(
          `cold N=${n} ${latencyMs} ms: ${count} runs in ${((Date.now() - started) / 1000).toFixed(0)} s; ssm-render ${ms(rows.find((x) => x.tool === 'ssm-render render').wallMs)} ms`,
        );
      }
    } finally {
      await fake.stop();
    }
  }
  return groups;
}

const find = (g, prefix) => g.rows.find((r) => r.tool.startsWith(prefix));

export function coldMarkdown(groups, { bucket }) {
  const rows = groups.flatMap((g) =>
    g.rows.map((r) => [
      int(g.n),
      `${g.latencyMs} ms${g.rateLimit ? ` + ${bucket.perSecond}/s` : ''}`,
      r.tool,
      int(r.runs),
      ms(r.wallMs),
      ms(r.cpuMs),
      mib(r.maxrssKiB),
      r.api ? calls(r.calls) : '',
      r.api ? int(r.throttled) : '',
      r.api ? int(r.decryptions) : '',
    ]),
  );
  const ratios = groups.map((g) => {
    const me = find(g, 'ssm-render render');
    return [
      int(g.n),
      `${g.latencyMs} ms`,
      ratio(me.wallMs, find(g, 'floor').wallMs),
      ratio(me.wallMs, find(g, 'awscli').wallMs),
      ratio(me.wallMs, find(g, 'SDK script (node_modules)').wallMs),
      ratio(me.wallMs, find(g, 'SDK script (bundled)').wallMs),
      ratio(me.cpuMs, find(g, 'floor').cpuMs),
      ratio(me.cpuMs, find(g, 'awscli').cpuMs),
      ratio(me.cpuMs, find(g, 'SDK script (node_modules)').cpuMs),
    ];
  });
  const head = groups.find((g) => g.n === 100 && g.latencyMs === 0) ?? groups.find((g) => find(g, 'ssm-render version'));
  const [me, floor, load] = head ? ['ssm-render render', 'floor', 'ssm-render version'].map((name) => find(head, name)) : [];
  const share = load
    ? [
        '',
        `Module loading: at N=${head.n}, ${head.latencyMs} ms, \`ssm-render version\` (load the bundle, parse the command line, print) takes`,
        `${ms(load.wallMs)} ms of the ${ms(me.wallMs)} ms render (${Math.round((load.wallMs / me.wallMs) * 100)}%); above the floor, ` +
          `${Math.round(((load.wallMs - floor.wallMs) / (me.wallMs - floor.wallMs)) * 100)}% of what ssm-render adds to \`node -e 0\`.`,
      ]
    : [];
  const exact = (name) => head?.rows.find((r) => r.tool === name);
  const [uncached, cached] = [exact(IMAGE_RENDER), exact(IMAGE_CACHED)];
  const floor22 = cached && find(head, 'Node 22 floor');
  const [alone, alone22] = [exact(SDK_ALONE), exact(IMAGE_SDK_ALONE)];
  const sdkFloor = alone
    ? [
        '',
        `The SDK alone (N=${head.n}, ${head.latencyMs} ms) takes ${ms(alone.wallMs)} ms, ${ratio(alone.wallMs, floor.wallMs)} the floor, and peaks at ${mib(alone.maxrssKiB)} MiB` +
          (alone22 && floor22
            ? `; as the image would run it, ${ms(alone22.wallMs)} ms, ${ratio(alone22.wallMs, floor22.wallMs)} Node 22's floor, ${mib(alone22.maxrssKiB)} MiB.`
            : '.'),
        `No tool that reaches Parameter Store through \`@aws-sdk/client-ssm\` starts faster. ssm-render render takes ${ratio(me.wallMs, alone.wallMs)} that.`,
      ]
    : [];
  const asImage = cached
    ? [
        '',
        `As the image runs it (N=${head.n}, ${head.latencyMs} ms; Node 22 with the ENTRYPOINT's flags): ${ms(uncached.wallMs)} ms without`,
        `a compile cache, ${ms(cached.wallMs)} ms with the one its Dockerfile makes (${Math.round((1 - cached.wallMs / uncached.wallMs) * 100)}% less);`,
        `${ratio(cached.wallMs, floor22.wallMs)} Node 22's \`node -e 0\` (${ms(floor22.wallMs)} ms).`,
      ]
    : [];
  return [
    'The job: every parameter under `/BENCH/PROD/` (half SecureString, values of 12 to 40 characters) into files.',
    '',
    '- `ssm-render render`: `node dist/ssm-render.js render --config ssm-render.yaml`, three destinations: `format: dotenv`,',
    '  `format: yaml`, and a Handlebars template writing every parameter as a quoted shell `export` (cold: out/ removed first).',
    `- awscli: \`sh -c '/usr/bin/aws ssm get-parameters-by-path --path ${PATH} --recursive --with-decryption --endpoint-url URL`,
    `  --output json | jq -r '${JQ}' > app.env'\` (one file, values unquoted).`,
    '- SDK script: `bench/naive-sdk.mjs`, ten lines on `@aws-sdk/client-ssm` (paginator, `KEY="value"` lines, one file), run as it',
    '  is (node_modules) and bundled with esbuild like the product.',
    '- floor: `node -e 0`. The ssm-render rows at 0 ms also show `ssm-render version` (load the bundle, print, exit).',
    '- SDK alone (at 0 ms): `bench/sdk-alone.mjs`, bundled. It loads `@aws-sdk/client-ssm`, resolves region, credentials and',
    '  endpoint, signs one `GetParametersByPath` and parses the empty page its request handler answers in memory: no socket.',
    "- image (at 0 ms, when `npx -y node@22` works): the same render on Node 22 with the image's ENTRYPOINT flags, without and",
    '  with the compile cache its Dockerfile bakes in (made here the same way: the ENTRYPOINT running `version`), and the SDK alone',
    '  with those flags and that cache.',
    '',
    'Each group runs one warm-up round, then the runs in rotating order; under the 40 calls/s bucket each run waits for the',
    'bucket to refill what the previous one took. "throttled" is calls the fake counted minus the calls the tool made',
    "(ssm-render's own count from its log line; ceil(N/10) pages for the others).",
    '',
    table(
      ['N', 'latency', 'command', 'runs', 'wall ms', 'CPU ms', 'peak RSS MiB', 'API calls (fake, incl. throttled)', 'throttled', 'decryptions'],
      rows,
      'rrlrrrrlrr',
    ),
    '',
    'Ratios of ssm-render render to the others (medians of the same run):',
    '',
    table(
      ['N', 'latency', 'wall / floor', 'wall / awscli', 'wall / SDK script', 'wall / SDK bundled', 'CPU / floor', 'CPU / awscli', 'CPU / SDK script'],
      ratios,
      'rrrrrrrrr',
    ),
    ...share,
    ...sdkFloor,
    ...asImage,
  ].join('\n');
}

export function coldTargets(groups) {
  const head = groups.find((g) => g.n === 100 && g.latencyMs === 0);
  const out = [];
  if (head) {
    const me = find(head, 'ssm-render render');
    const floor = find(head, 'floor');
    const aws = find(head, 'awscli');
    const alone = find(head, SDK_ALONE);
    const sdk = alone ? `; the SDK alone, before any socket: ${ratio(alone.wallMs, floor.wallMs)} (${ms(alone.wallMs)} ms)` : '';
    out.push({
      target: 'Cold render N=100, 0 ms: wall <= 2.5x floor',
      figure: `${ratio(me.wallMs, floor.wallMs)} (${ms(me.wallMs)} / ${ms(floor.wallMs)} ms)${sdk}`,
      met: me.wallMs <= 2.5 * floor.wallMs,
    });
    out.push({
      target: 'Cold render N=100, 0 ms: wall <= 0.35x awscli script',
      figure: `${ratio(me.wallMs, aws.wallMs)} (${ms(me.wallMs)} / ${ms(aws.wallMs)} ms)`,
      met: me.wallMs <= 0.35 * aws.wallMs,
    });
  }
  const unthrottled = groups.filter((g) => g.latencyMs === 0);
  if (unthrottled.length) {
    const figures = unthrottled.map((g) => {
      const me = find(g, 'ssm-render render');
      return { n: g.n, got: me.calls.GetParametersByPath ?? 0, other: me.total - (me.calls.GetParametersByPath ?? 0), want: Math.ceil(g.n / 10) };
    });
    out.push({
      target: 'Cold render: exactly ceil(N/10) path calls (no named parameters, so no batch calls)',
      figure: figures.map((f) => `N=${f.n}: ${f.got}${f.other ? ` + ${f.other} other` : ''} (want ${f.want})`).join('; '),
      met: figures.every((f) => f.got === f.want && f.other === 0),
    });
  }
  return out;
}
