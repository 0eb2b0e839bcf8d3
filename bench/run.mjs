// The benchmark: `npm run bench [-- flags]` builds, runs the parts and prints a markdown report. It
// drives the built CLI (dist/ssm-render.js) as real processes against the fake Parameter Store.
// Flags: --only cold,watch,soak,fleet (default cold,watch, plus the opt-in parts asked for),
// --runs N (5), --n 100,1000 (the cold render's sizes, all by default), --image (Node 22 as the image runs it), --large (N = 10,000), --soak, --cycles N
// (refreshes in the soak, 1,000; implies --soak), --fleet, --fleet-size N (30), --fleet-scenarios
// defaults,beacon (some of fleet.mjs's SCENARIOS by name; all by default), --out FILE (the
// report; what follows HAND_WRITTEN in FILE is kept), --json FILE (the figures), --compare FILE (an
// earlier --json: figures before and after).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cold } from './cold.mjs';
import { fleet, SCENARIOS } from './fleet.mjs';
import { bundle, ROOT, runtimes } from './lib/proc.mjs';
import { ms, table } from './lib/stats.mjs';
import { soak, watch } from './watch.mjs';

const HAND_WRITTEN = '<!-- Written by hand: `--out` keeps everything below this line. -->';
const { values: flags } = parseArgs({
  options: {
    only: { type: 'string' },
    runs: { type: 'string', default: '5' },
    n: { type: 'string' },
    image: { type: 'boolean', default: false },
    large: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    cycles: { type: 'string' },
    fleet: { type: 'boolean', default: false },
    'fleet-size': { type: 'string', default: '30' },
    'fleet-scenarios': { type: 'string' },
    out: { type: 'string' },
    json: { type: 'string' },
    compare: { type: 'string' },
  },
  strict: true,
});
const usage = (message) => {
  console.error(message);
  process.exit(2);
};
const count = (name, text, min) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) usage(`Expected --${name} to be an integer of at least ${min}, got \`${text}\``);
  return n;
};
const PARTS = {
  cold: { run: cold, title: 'Cold render, side by side' },
  watch: { run: watch, title: '`watch` at N = 1,000: what a refresh costs, and memory' },
  soak: { run: soak, title: 'Memory over time: a soak' },
  fleet: { run: fleet, title: 'A fleet on one rate limit' },
};
const only = flags.only?.split(',').map((p) => p.trim()) ?? [
  'cold',
  'watch',
  ...(flags.soak || flags.cycles ? ['soak'] : []),
  ...(flags.fleet ? ['fleet'] : []),
];
for (const p of only) if (!(p in PARTS)) usage(`Expected --only to list some of ${Object.keys(PARTS).join(', ')}, got \`${p}\``);
const opts = {
  runs: count('runs', flags.runs, 1),
  sizes: flags.n?.split(',').map((n) => count('n', n.trim(), 1)),
  large: flags.large,
  cycles: count('cycles', flags.cycles ?? '1000', 100),
  fleetSize: count('fleet-size', flags['fleet-size'], 1),
  fleetScenarios: flags['fleet-scenarios']?.split(',').map((s) => s.trim()),
};
for (const s of opts.fleetScenarios ?? [])
  if (!SCENARIOS.some((x) => x.name === s)) usage(`Expected --fleet-scenarios to list some of ${SCENARIOS.map((x) => x.name).join(', ')}, got \`${s}\``);

const t0 = Date.now();
const loadBefore = loadavg()[0].toFixed(2);
const log = (m) => console.error(`[bench ${String(Math.round((Date.now() - t0) / 1000)).padStart(4)} s] ${m}`);
const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'unknown';
  }
};
const scratch = mkdtempSync(join(tmpdir(), 'ssm-render-bench-'));
try {
  const bundles = await bundle(join(scratch, 'bundles'));
  const rt = runtimes({ image: flags.image, scratch });
  const ctx = { ...opts, bundles, scratch, log };
  const parts = [];
  for (const name of only) {
    const started = Date.now();
    log(`${name}: start`);
    const rts = name === 'cold' ? [rt.host, rt.hostCache, rt.node22, rt.node22Cache, rt.image] : [rt.host, rt.hostImage, rt.imageFullJit, rt.image];
    const result = await PARTS[name].run({ ...ctx, rts: rts.filter(Boolean) });
    parts.push({ name, ...result, took: Date.now() - started });
    log(`${name}: done in ${Math.round((Date.now() - started) / 1000)} s`);
  }

  const took = Math.round((Date.now() - t0) / 1000);
  const args = process.argv.slice(2).join(' ');
  const command = process.env.npm_lifecycle_event === 'bench' ? `npm run bench${args ? ` -- ${args}` : ''}` : `node bench/run.mjs${args ? ` ${args}` : ''}`;
  const commit = sh('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'package.json', 'package-lock.json']) ? ' (src has uncommitted changes)' : '';
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const figures = Object.assign({}, ...parts.map((p) => p.figures));
  const checks = parts.flatMap((p) => p.checks);
  const before = flags.compare ? JSON.parse(readFileSync(flags.compare, 'utf8')) : undefined;
  const compared = before
    ? Object.entries(figures)
        .filter(([label]) => Number.isFinite(before.figures[label]))
        .map(([label, now]) => {
          const old = before.figures[label];
          return [label, ms(old), ms(now), old ? `${now >= old ? '+' : ''}${(((now - old) / old) * 100).toFixed(1)}%` : '–'];
        })
    : [];
  const report = [
    '# ssm-render benchmarks',
    '',
    `- Date: ${date}; commit ${commit}${dirty}`,
    `- Command: \`${command}\`; took ${Math.floor(took / 60)} min ${took % 60} s (${parts.map((p) => `${p.name} ${Math.round(p.took / 1000)} s`).join(', ')})`,
    `- Machine: ${cpus().length} CPUs, ${cpus()[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Linux ${sh('uname', ['-r'])}; load average (1 min) ${loadBefore} at start, ${loadavg()[0].toFixed(2)} at end`,
    `- Node ${process.version}; ${sh('/usr/bin/aws', ['--version'])}; ${sh('jq', ['--version'])}`,
    '',
    'Figures are medians of the runs. Whole short-lived processes are measured by wait4(2) (wall, user + sys CPU, peak RSS);',
    'long-lived ones through /proc and their own log lines and /metrics. The fake Parameter Store runs as its own process on',
    '127.0.0.1 with 10 items a page and counts API calls and decryptions. Compare ratios within one run, not figures across runs.',
    '',
    '## Checks',
    '',
    table(
      ['check', 'figure', 'result'],
      checks.map((c) => [c.check, c.figure, c.ok ? 'ok' : '**failed**']),
    ),
    '',
    ...(before
      ? [
          `## Compared with ${flags.compare} (commit ${before.commit}, ${before.date})`,
          '',
          table(['figure', 'before', 'after', 'change'], compared, 'lrrr'),
          '',
        ]
      : []),
    ...parts.flatMap((p) => [`## ${PARTS[p.name].title}`, '', p.markdown, '']),
  ].join('\n');
  process.stdout.write(`${report}\n`);
  if (flags.out) {
    const old = existsSync(flags.out) ? readFileSync(flags.out, 'utf8') : '';
    const kept = old.includes(HAND_WRITTEN) ? old.slice(old.indexOf(HAND_WRITTEN)) : `${HAND_WRITTEN}\n`;
    writeFileSync(flags.out, `${report}\n${kept}`);
    log(`wrote ${flags.out}`);
  }
  if (flags.json) writeFileSync(flags.json, `${JSON.stringify({ commit, date, command, took, figures, checks }, null, 2)}\n`);
  if (checks.some((c) => !c.ok)) process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
