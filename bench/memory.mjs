// 4. Memory over time at N = 1,000: the real `ssm-render watch` process's peak RSS (wait4) over a short
// real-clock run, and RSS / heap at checkpoints of a long virtual-clock run of the same loop in-process.
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { cleanEnv, imageNodeFlags, measure, ROOT, runJson, startFake } from './lib/proc.mjs';
import { int, mib, table } from './lib/stats.mjs';
import { writeJob } from './lib/workload.mjs';

const N = 1_000;
const CLI_SECONDS = 20;
const CLI_INTERVAL = '250ms';

/** `ssm-render watch` for CLI_SECONDS on a short interval, one value rotating every 2 s; then SIGTERM. */
async function cliWatch(job, fake, scratch, nodeFlags) {
  const rotating = job.params.find((p) => p.type === 'SecureString');
  let rotations = 0;
  const timer = setInterval(() => void fake.put(rotating.name, `cli-${++rotations}`, 'SecureString').catch(() => undefined), 2_000);
  try {
    const env = cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url });
    const argv = [process.execPath, ...nodeFlags, join(ROOT, 'dist/ssm-render.js'), 'watch', '--config', job.config, '--interval', CLI_INTERVAL, '--log-level', 'debug'];
    const m = await measure(argv, { env, cwd: job.dir, termAfterMs: CLI_SECONDS * 1000, timeoutMs: (CLI_SECONDS + 30) * 1000 });
    const lines = m.stderr.split('\n');
    const cycles = lines.filter((l) => l.includes('"msg":"refresh:')).length;
    const failed = lines.filter((l) => l.includes('refresh failed')).length;
    return { nodeFlags, status: m.status, maxrssKiB: m.maxrssKiB, cpuMs: m.cpuMs, cycles, failed, rotations };
  } finally {
    clearInterval(timer);
  }
}

export async function memory({ bundles, scratch, cycles, log }) {
  const job = writeJob(join(scratch, 'memory'), { n: N, watch: 'watch: { interval: 30s, jitter: 0.1 }\n' });
  const fake = await startFake(bundles.fake, { seed: job.seed, env: cleanEnv(scratch) });
  try {
    const flags = imageNodeFlags();
    const plain = await cliWatch(job, fake, scratch, []);
    const cli = await cliWatch(job, fake, scratch, flags);
    log(`memory: watch CLI peak RSS ${mib(plain.maxrssKiB)} MiB plain, ${mib(cli.maxrssKiB)} MiB with ${flags.join(' ')}`);
    const checkpoints = [...new Set([1, 100, 1_000, cycles])].filter((c) => c <= cycles).sort((a, b) => a - b);
    const env = cleanEnv(scratch, { BENCH_URL: fake.url, BENCH_DIR: job.dir, BENCH_CYCLES: String(cycles), BENCH_ROTATE_EVERY: '100', BENCH_CHECKPOINTS: checkpoints.join(',') });
    const soak = await runJson(bundles.memory, { env, nodeArgs: ['--expose-gc', ...flags], timeoutMs: Math.max(600, cycles) * 1000 });
    log(`memory: ${soak.cycles} cycles in ${soak.seconds} s`);
    return { plain, cli, soak };
  } finally {
    await fake.stop();
  }
}

export function memoryMarkdown({ plain, cli, soak }) {
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
    `**The real process.** \`ssm-render watch --interval ${CLI_INTERVAL}\` for ${CLI_SECONDS} s at N = ${int(N)} (one SecureString rotated every 2 s),`,
    'then SIGTERM; peak RSS is wait4\'s maxrss. "image" runs node with the flags of the image\'s ENTRYPOINT.',
    '',
    table(
      ['node', 'peak RSS MiB', 'refresh cycles', 'rotations', 'failed refreshes', 'exit', 'CPU ms in all'],
      [plain, cli].map((r) => [r.nodeFlags.length ? `image: \`node ${r.nodeFlags.join(' ')}\`` : 'plain `node`', mib(r.maxrssKiB), int(r.cycles), int(r.rotations), int(r.failed), String(r.status), int(r.cpuMs)]),
      'lrrrrrr',
    ),
    '',
    `**Over time.** The same loop in-process (\`firstRender\` + \`watchLoop\`, log at info, node ${cli.nodeFlags.join(' ')} as in the image) for ${int(soak.cycles)} cycles with a`,
    `virtual clock (30 s interval: ${Math.round((soak.cycles * 30) / 3600)} virtual hours), against the fake over HTTP, one SecureString rotated every`,
    `100 cycles (${int(soak.rotations)} rotations, ${int(soak.changes)} renders, ${int(soak.failedRefreshes)} failed refreshes, ${int(soak.calls)} API calls, ${int(soak.seconds)} s).`,
    `"RSS" is as sampled; then a full GC and RSS / heap after it. Peak RSS of this process: ${soak.peakRssMiB.toFixed(1)} MiB.`,
    '',
    table(['after cycle', 'RSS MiB', 'RSS after GC MiB', 'heap used MiB', 'heap total MiB', 'new / old / code space MiB', 'external MiB', 'at s'], rows, 'rrrrrrrr'),
  ].join('\n');
}

export function memoryTargets({ plain, cli, soak }) {
  const at = (cycle) => soak.checkpoints.find((c) => c.cycle === cycle);
  const from = at(100);
  const to = soak.checkpoints.at(-1);
  const out = [{ target: 'Peak RSS of `watch` at N=1,000 <= 64 MiB', figure: `${mib(cli.maxrssKiB)} MiB as the image runs it (${mib(plain.maxrssKiB)} MiB with plain node; real process, wait4); ${soak.peakRssMiB.toFixed(1)} MiB in the long in-process run`, met: cli.maxrssKiB <= 64 * 1024 }];
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
