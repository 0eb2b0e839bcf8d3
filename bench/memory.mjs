// 4. Memory over time at N = 1,000: the real `ssm-render watch` process's peak RSS (wait4) over a short
// real-clock run, and RSS / heap at checkpoints of a long virtual-clock run of the same loop in-process.
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { cleanEnv, imageEnv, imageNode, imageNodeFlags, measure, ROOT, runJson, startFake } from './lib/proc.mjs';
import { int, mib, table } from './lib/stats.mjs';
import { PATH, writeJob } from './lib/workload.mjs';

const N = 1_000;
const CLI_SECONDS = 20;
const CLI_INTERVAL_MS = 250;

const HOST_NODE = { path: process.execPath, version: process.version };

/**
 * A polling process for CLI_SECONDS on a short interval, one value rotating every 2 s; then SIGTERM.
 * `ssm-render watch`, or (given `naiveBundle`) the SDK loop people write instead; on `node` (this
 * machine's by default) with `nodeFlags`, and `extraEnv` in its environment.
 */
async function watchRun(job, fake, scratch, nodeFlags, naiveBundle, node = HOST_NODE, extraEnv = {}) {
  const rotating = job.params.find((p) => p.type === 'SecureString');
  let rotations = 0;
  const timer = setInterval(() => void fake.put(rotating.name, `cli-${++rotations}`, 'SecureString').catch(() => undefined), 2_000);
  try {
    await fake.reset();
    const env = cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url, ...extraEnv });
    const naive = naiveBundle !== undefined;
    const tool = naive
      ? [naiveBundle, PATH, join(job.dir, 'naive.env'), String(CLI_INTERVAL_MS)]
      : [join(ROOT, 'dist/ssm-render.js'), 'watch', '--config', job.config, '--interval', `${CLI_INTERVAL_MS}ms`, '--log-level', 'debug'];
    const m = await measure([node.path, ...nodeFlags, ...tool], { env, cwd: job.dir, termAfterMs: CLI_SECONDS * 1000, timeoutMs: (CLI_SECONDS + 30) * 1000 });
    const lines = m.stderr.split('\n');
    const cycles = naive ? NaN : lines.filter((l) => l.includes('"msg":"refresh:')).length;
    const failed = naive ? NaN : lines.filter((l) => l.includes('refresh failed')).length;
    const written = naive ? m.stdout.split('\n').filter((l) => l === 'written').length : NaN;
    const { total: calls } = await fake.stats();
    return {
      node: node.version,
      nodeFlags,
      extraEnv,
      naive,
      status: m.status,
      maxrssKiB: m.maxrssKiB,
      cpuMs: m.cpuMs,
      calls,
      cycles,
      failed,
      rotations,
      written,
    };
  } finally {
    clearInterval(timer);
  }
}

export async function memory({ bundles, scratch, cycles, log }) {
  const job = writeJob(join(scratch, 'memory'), { n: N, watch: 'watch: { interval: 30s, jitter: 0.1 }\n' });
  const fake = await startFake(bundles.fake, { seed: job.seed, env: cleanEnv(scratch) });
  try {
    const flags = imageNodeFlags();
    const plain = await watchRun(job, fake, scratch, []);
    const flagged = await watchRun(job, fake, scratch, flags);
    const naive = [await watchRun(job, fake, scratch, [], bundles.naiveWatch), await watchRun(job, fake, scratch, flags, bundles.naiveWatch)];
    // As the image runs it: its Node (22) with its flags and environment, when npx can fetch that Node.
    const node22 = imageNode();
    const imageVars = imageEnv();
    const image = node22 && [
      await watchRun(job, fake, scratch, flags, undefined, node22, imageVars),
      await watchRun(job, fake, scratch, flags, bundles.naiveWatch, node22, imageVars),
    ];
    const cli = image?.[0] ?? flagged;
    log(
      `memory: peak RSS ${[plain, flagged, ...naive, ...(image ?? [])].map((r) => `${r.naive ? 'SDK loop' : 'watch'} ${mib(r.maxrssKiB)} MiB (${label(r)})`).join(', ')}`,
    );
    const checkpoints = [...new Set([1, 100, 1_000, cycles])].filter((c) => c <= cycles).sort((a, b) => a - b);
    // On this machine's node, with the image's flags and the malloc variables its Dockerfile sets.
    const env = cleanEnv(scratch, {
      ...imageVars,
      BENCH_URL: fake.url,
      BENCH_DIR: job.dir,
      BENCH_CYCLES: String(cycles),
      BENCH_ROTATE_EVERY: '100',
      BENCH_CHECKPOINTS: checkpoints.join(','),
    });
    const soak = await runJson(bundles.memory, { env, nodeArgs: ['--expose-gc', ...flags], timeoutMs: Math.max(600, cycles) * 1000 });
    log(`memory: ${soak.cycles} cycles in ${soak.seconds} s`);
    return { plain, flagged, cli, naive, image, soak: { ...soak, node: HOST_NODE.version, nodeFlags: flags, extraEnv: imageVars } };
  } finally {
    await fake.stop();
  }
}

const label = (r) => `${r.node}${r.nodeFlags.length ? ', image flags' : ''}`;

/** The node column: version, flags (or "plain"), and the variables the run took from the image. */
function nodeColumn(r) {
  const flags = r.nodeFlags.length ? `\`${r.nodeFlags.join(' ')}\`` : 'plain';
  const vars = Object.entries(r.extraEnv).map(([name, value]) => `, ${name}=${value}`);
  return `${r.node} ${flags}${vars.join('')}`;
}

export function memoryMarkdown({ plain, flagged, naive = [], image, soak }) {
  const f = (x) => x.toFixed(1);
  const rows = soak.checkpoints.map((c) => [
    c.cycle === 0 ? 'first render' : int(c.cycle),
    f(c.rssMiB),
    f(c.rssAfterGcMiB),
    f(c.heapUsedMiB),
    f(c.heapTotalMiB),
    `${f(c.newSpaceMiB)} / ${f(c.oldSpaceMiB)} / ${f(c.codeSpaceMiB)}`,
    f(c.externalMiB),
    int(c.seconds),
  ]);
  return [
    `**The real process.** \`ssm-render watch --interval ${CLI_INTERVAL_MS}ms\` for ${CLI_SECONDS} s at N = ${int(N)} (one SecureString rotated every 2 s),`,
    'then SIGTERM; peak RSS is wait4\'s maxrss. "image flags" are the node flags of the image\'s ENTRYPOINT; the image runs them on',
    'Node 22 (here `npx -y node@22`) with the variables its Dockerfile sets (the Node 22 rows have them too, both tools), this',
    'machine has Node 20. Beside ssm-render, what people write instead:',
    `\`bench/naive-sdk-watch.mjs\`, a bundled loop on \`@aws-sdk/client-ssm\` that pages the path every ${CLI_INTERVAL_MS} ms and`,
    'replaces one .env file when its text changed (no YAML, no template, no health server, no redaction).',
    '',
    table(
      [
        'process',
        'node',
        'peak RSS MiB',
        'refresh cycles',
        'rotations',
        'files replaced',
        'failed refreshes',
        'exit',
        'CPU ms in all',
        'API calls',
        'CPU ms a call',
      ],
      [plain, flagged, ...naive, ...(image ?? [])].map((r) => [
        r.naive ? 'SDK loop' : 'ssm-render watch',
        nodeColumn(r),
        mib(r.maxrssKiB),
        r.naive ? '' : int(r.cycles),
        int(r.rotations),
        r.naive ? int(r.written) : '',
        r.naive ? '' : int(r.failed),
        String(r.status),
        int(r.cpuMs),
        int(r.calls),
        (r.cpuMs / r.calls).toFixed(2),
      ]),
      'llrrrrrrrrr',
    ),
    '',
    `**Over time.** The same loop in-process (\`firstRender\` + \`watchLoop\`, log at info, node ${nodeColumn(soak)}) for ${int(soak.cycles)} cycles with a`,
    `virtual clock (30 s interval: ${Math.round((soak.cycles * 30) / 3600)} virtual hours), against the fake over HTTP, one SecureString rotated every`,
    `100 cycles (${int(soak.rotations)} rotations, ${int(soak.changes)} renders, ${int(soak.failedRefreshes)} failed refreshes, ${int(soak.calls)} API calls, ${int(soak.seconds)} s).`,
    `"RSS" is as sampled; then a full GC and RSS / heap after it. Peak RSS of this process: ${soak.peakRssMiB.toFixed(1)} MiB.`,
    '',
    table(
      ['after cycle', 'RSS MiB', 'RSS after GC MiB', 'heap used MiB', 'heap total MiB', 'new / old / code space MiB', 'external MiB', 'at s'],
      rows,
      'rrrrrrrr',
    ),
  ].join('\n');
}

export function memoryTargets({ plain, cli, naive = [], image, soak }) {
  const loop = image?.[1] ?? naive[1];
  const at = (cycle) => soak.checkpoints.find((c) => c.cycle === cycle);
  const from = at(100);
  const to = soak.checkpoints.at(-1);
  const out = [
    {
      target: 'Peak RSS of `watch` at N=1,000 <= 64 MiB',
      figure: `${mib(cli.maxrssKiB)} MiB as the image runs it (${label(cli)}; ${mib(plain.maxrssKiB)} MiB with plain node ${plain.node}; real process, wait4); ${soak.peakRssMiB.toFixed(1)} MiB in the long in-process run${loop ? `; the SDK loop alone, same node, flags and variables: ${mib(loop.maxrssKiB)} MiB` : ''}`,
      met: cli.maxrssKiB <= 64 * 1024,
    },
  ];
  if (from && to && to.cycle > 100) {
    const growth = (to.rssMiB / from.rssMiB - 1) * 100;
    const heap = (to.heapUsedMiB / from.heapUsedMiB - 1) * 100;
    out.push({
      target: `No RSS growth beyond 5% from cycle 100 to 10,000${to.cycle < 10_000 ? ` (this run: to ${to.cycle}; --cycles 10000 for the full)` : ''}`,
      figure: `${from.rssMiB.toFixed(1)} -> ${to.rssMiB.toFixed(1)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%); heap after GC ${from.heapUsedMiB.toFixed(1)} -> ${to.heapUsedMiB.toFixed(1)} MiB (${heap >= 0 ? '+' : ''}${heap.toFixed(1)}%)`,
      met: growth <= 5,
    });
  }
  return out;
}
