// The benchmark suite of issue 6: `npm run bench` (build, then every part; writes bench/RESULTS.md),
// or `npm run bench -- --only cold,refresh --runs 3` (prints; writes a file only with --out).
// Flags: --only LIST (cold,render,refresh,memory,fleet), --runs N, --ns 10,100,... (cold),
// --latencies 0,20, --cycles N (memory), --fleet-size N, --fleet-interval S, --out FILE, --json FILE
// (raw figures), --compare FILE (an earlier --json: headline figures before and after).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { cold, coldMarkdown, coldTargets, SMALL_JOB_RUNS } from './cold.mjs';
import { fleet, fleetMarkdown, fleetTargets } from './fleet.mjs';
import { buildBundles } from './lib/build.mjs';
import { compare, describeRun } from './lib/compare.mjs';
import { ROOT } from './lib/proc.mjs';
import { table } from './lib/stats.mjs';
import { memory, memoryMarkdown, memoryTargets } from './memory.mjs';
import { refresh, refreshMarkdown, refreshTargets } from './refresh.mjs';
import { renderCommit, renderCommitMarkdown, renderCommitTargets } from './render-commit.mjs';

const PARTS = ['cold', 'render', 'refresh', 'memory', 'fleet'];
const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    ns: { type: 'string', default: '10,100,1000,10000' },
    latencies: { type: 'string', default: '0,20' },
    cycles: { type: 'string', default: '2000' },
    'fleet-size': { type: 'string', default: '300' },
    'fleet-interval': { type: 'string', default: '20' },
    out: { type: 'string' },
    json: { type: 'string' },
    compare: { type: 'string' },
  },
  strict: true,
});
const list = (s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
const count = (name, s, min = 1) => {
  const v = Number(s);
  if (!Number.isInteger(v) || v < min) throw new Error(`Expected --${name} to be an integer >= ${min}, got \`${s}\``);
  return v;
};
const only = flags.only ? list(flags.only) : PARTS;
for (const p of only) if (!PARTS.includes(p)) throw new Error(`Expected --only to list some of ${PARTS.join(', ')}, got \`${p}\``);
const full = flags.only === undefined;
const out = flags.out ?? (full ? join(ROOT, 'bench/RESULTS.md') : undefined);

const opts = {
  runs: count('runs', flags.runs),
  ns: list(flags.ns).map((n) => count('ns', n)),
  latencies: list(flags.latencies).map((n) => count('latencies', n, 0)),
  cycles: count('cycles', flags.cycles, 100),
  fleetSize: count('fleet-size', flags['fleet-size']),
  fleetIntervalS: count('fleet-interval', flags['fleet-interval'], 2),
  bucket: { perSecond: 40, burst: 40 },
};

const t0 = Date.now();
const loadBefore = loadavg()[0].toFixed(2);
const log = (m) => console.error(`[bench ${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`);
const scratch = mkdtempSync(join(tmpdir(), 'ssm-render-bench-'));
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unknown';
  }
};

try {
  const bundles = await buildBundles(join(scratch, 'bundles'));
  const ctx = { ...opts, bundles, scratch, log };
  const sections = [];
  const targets = [];
  const raw = {};
  const part = async (name, title, run, markdown, goals) => {
    if (!only.includes(name)) return;
    const started = Date.now();
    log(`${name}: start`);
    const result = await run(ctx);
    raw[name] = result;
    sections.push(`## ${title}\n\n${markdown(result, opts)}\n`);
    targets.push(...goals(result, opts));
    log(`${name}: done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  };
  await part('cold', '1-2. Cold render, side by side', cold, coldMarkdown, coldTargets);
  await part('render', 'Render and commit after the fetch (in-process)', renderCommit, renderCommitMarkdown, renderCommitTargets);
  await part('refresh', '3. Refresh in watch (N = 1,000)', refresh, refreshMarkdown, refreshTargets);
  await part('memory', '4. Memory over time (N = 1,000, virtual clock)', memory, memoryMarkdown, memoryTargets);
  await part('fleet', '5. Fleet on one rate limit', fleet, fleetMarkdown, fleetTargets);

  const took = Math.round((Date.now() - t0) / 1000);
  const args = process.argv.slice(2).join(' ');
  const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${args ? ` -- ${args}` : ''}` : `node bench/run.mjs${args ? ` ${args}` : ''}`;
  const commit = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const dirty = sh('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json']) ? ' (src has uncommitted changes)' : '';
  const header = [
    '# ssm-render benchmarks',
    '',
    `- Machine: ${cpus().length} CPUs (nproc ${sh('nproc', [])}), ${cpus()[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${sh('uname', ['-r'])}`,
    `- Node ${process.version}; ${sh('/usr/bin/aws', ['--version'])}; ${sh('jq', ['--version'])}`,
    `- Date: ${date}; commit ${commit}${dirty}`,
    `- Command: \`${command}\` (runs per figure: ${opts.runs}; ${opts.runs * SMALL_JOB_RUNS} for the cold jobs of 10 and 100 parameters at 0 ms); took ${Math.floor(took / 60)} min ${took % 60} s`,
    `- Load average (1 min) at start ${loadBefore}, at end ${loadavg()[0].toFixed(2)}: anything else running on the machine shows up in the figures`,
    '',
    'Every figure is the median of the runs. Wall, CPU (user + sys) and peak RSS of whole processes come from',
    'wait4(2) (a pipeline counts every process in it; peak RSS is the largest one). API calls and decryptions',
    'are counted by the fake Parameter Store, which runs as its own process on 127.0.0.1 with 10 items a page.',
    '',
  ];
  const goals = targets.length
    ? [
        '## Targets',
        '',
        table(
          ['target', 'figure', 'result'],
          targets.map((t) => [t.target, t.figure, t.met ? 'met' : '**not met**']),
        ),
        '',
      ]
    : [];
  const earlier = flags.compare ? describeRun(flags.compare) : '';
  const compared = flags.compare ? [`## Compared with ${flags.compare}${earlier ? ` (${earlier})` : ''}`, '', compare(flags.compare, raw), ''] : [];
  const report = [...header, ...goals, ...compared, ...sections].join('\n');
  process.stdout.write(`${report}\n`);
  if (out) {
    writeFileSync(out, report);
    log(`wrote ${relative(process.cwd(), out) || out}`);
  }
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify({ commit, date, opts: { ...opts }, raw, targets, took }, null, 2)}\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
