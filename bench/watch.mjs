// `ssm-render watch` at N = 1,000 as a real process, beside the SDK loop people write instead: what a
// refresh costs (nothing changed, one value changed) and the process's memory; with --soak, its RSS
// over thousands of refreshes. Both are driven by SIGHUP (watch's own "render now"), one refresh at
// a time: the bench waits for the line each logs at the end of a refresh before it sends the next.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { cleanEnv, CLI, sleep, startDaemon, startFake } from './lib/proc.mjs';
import { calls, int, median, medianCalls, mib, ms, table } from './lib/stats.mjs';
import { PATH, writeJob } from './lib/workload.mjs';

const N = 1_000;
const PHASES = [
  { name: 'no change, first 5', cycles: 5 },
  { name: 'no change', cycles: 10 },
  { name: 'one value changed', cycles: 10, rotate: true },
];
/** After a refresh's last line, how long CPU still counts for it (the log write, collection on V8's threads). */
const SETTLE_MS = 50;
const isRefresh = (line) => typeof line.msg === 'string' && line.msg.startsWith('refresh');
const isFailure = (line) => line.msg.startsWith('refresh failed');
const BY_NAME = 'ssm-render watch';
const LISTING = 'ssm-render watch, discovery_interval: 1';
/** Every this many refreshes the default lists the path (watch.discovery_interval). */
const DISCOVERY = 10;

/** The job's config with `watch.discovery_interval: 1`: a listing every refresh, as before version checks by name. */
function listingConfig(job) {
  const path = join(job.dir, 'ssm-render-listing.yaml');
  writeFileSync(path, readFileSync(job.config, 'utf8').replace('templates:', 'watch:\n  discovery_interval: 1\ntemplates:'));
  return path;
}

/**
 * Each tool's command line on a runtime, the line that says it is ready, and the files it writes; the
 * SDK loop only on the runtime that comes closest to the image (`last`), where the comparison counts.
 */
function tools(rt, job, bundles, last = false) {
  const out = (f) => join(job.out, f);
  const watchWith = (name, config) => ({
    name,
    argv: [rt.node, ...rt.flags, CLI, 'watch', '--config', config, '--interval', '1h', '--log-level', 'debug'],
    ready: (l) => l.msg === 'first render complete, watching',
    files: ['app.env', 'app.yaml', 'app.sh'].map(out),
  });
  const naive = {
    name: 'SDK loop',
    argv: [rt.node, ...rt.flags, bundles.naiveWatch, PATH, out('naive.env'), '3600000'],
    ready: isRefresh,
    files: [out('naive.env')],
  };
  // The default checks known names by name and lists every 10th refresh; `discovery_interval: 1` lists every time.
  return [watchWith(BY_NAME, job.config), ...(last ? [watchWith(LISTING, job.listingConfig), naive] : [])];
}

/** Identity (inode, size, mtime) and size of each file: a changed identity is a file written. */
const fileIds = (files) =>
  files.map((f) => {
    const s = statSync(f, { bigint: true, throwIfNoEntry: false });
    return s ? { id: `${s.ino}:${s.size}:${s.mtimeNs}`, size: Number(s.size) } : { id: 'absent', size: 0 };
  });

/** One refresh on SIGHUP: CPU of the process (all threads), wall time, the fake's counts, files and bytes written. */
async function refresh(proc, fake, files) {
  await fake.reset();
  const before = fileIds(files);
  const cpu = proc.cpuMs();
  const wall = performance.now();
  proc.signal('SIGHUP');
  const line = await proc.next(isRefresh);
  const wallMs = performance.now() - wall;
  await sleep(SETTLE_MS);
  const written = fileIds(files).filter((f, i) => f.id !== before[i].id);
  const s = await fake.stats();
  return {
    cpuMs: proc.cpuMs() - cpu,
    wallMs,
    calls: s.calls,
    decryptions: s.decryptions,
    files: written.length,
    bytes: written.reduce((a, f) => a + f.size, 0),
    failed: isFailure(line),
  };
}

async function runTool(tool, rt, job, fake, env) {
  const rotating = job.params.filter((p) => p.type === 'SecureString');
  rmSync(job.out, { recursive: true, force: true }); // every first render writes its files
  mkdirSync(job.out);
  await fake.reset();
  const proc = startDaemon(tool.argv, { env: { ...env, ...rt.env }, cwd: job.dir });
  try {
    await proc.next(tool.ready);
    await sleep(SETTLE_MS);
    const s = await fake.stats();
    const bytes = fileIds(tool.files).reduce((a, f) => a + f.size, 0);
    const first = { cpuMs: proc.cpuMs(), calls: s.calls, decryptions: s.decryptions, files: tool.files.length, bytes };
    const phases = [];
    let rotations = 0;
    for (const phase of PHASES) {
      const cycles = [];
      for (let c = 0; c < phase.cycles; c++) {
        if (phase.rotate) await fake.put(rotating[rotations % rotating.length].name, `rotated-${Date.now()}-${++rotations}`, 'SecureString');
        cycles.push(await refresh(proc, fake, tool.files));
      }
      phases.push({ name: phase.name, cycles });
    }
    const memory = { peakKiB: proc.peakKiB(), rssKiB: proc.rssKiB() };
    return { tool: tool.name, rt: rt.name, first, phases, ...memory, exit: await proc.stop() };
  } finally {
    await proc.stop();
  }
}

export async function watch({ bundles, scratch, rts, log }) {
  const base = writeJob(join(scratch, 'watch'), { n: N });
  const job = { ...base, listingConfig: listingConfig(base) };
  const fake = await startFake(bundles.fake, { seed: job.seed, env: cleanEnv(scratch) });
  const runs = [];
  try {
    const env = cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url });
    for (const rt of rts)
      for (const tool of tools(rt, job, bundles, rt === rts.at(-1))) {
        const r = await runTool(tool, rt, job, fake, env);
        runs.push(r);
        log(`watch: ${r.tool} (${r.rt}): peak RSS ${mib(r.peakKiB)} MiB, no-change refresh ${ms(median(r.phases[1].cycles.map((c) => c.cpuMs)))} ms CPU`);
      }
  } finally {
    await fake.stop();
  }
  return { runs, ...report(runs) };
}

function report(runs) {
  const rows = [];
  const figures = {};
  const checks = [];
  for (const r of runs) {
    const cell = (list, k) => `${int(median(list.map((c) => c[k])))}${list.length > 1 ? ` (max ${int(Math.max(...list.map((c) => c[k])))})` : ''}`;
    const row = (name, list) => {
      const byOp = medianCalls(list);
      const failed = list.filter((c) => c.failed).length;
      const wall = list[0].wallMs === undefined ? '' : ms(median(list.map((c) => c.wallMs)));
      return [
        r.tool,
        r.rt,
        name,
        int(list.length),
        calls(byOp),
        cell(list, 'decryptions'),
        cell(list, 'files'),
        cell(list, 'bytes'),
        ms(median(list.map((c) => c.cpuMs))),
        wall,
        int(failed),
      ];
    };
    rows.push(row('first render, from exec', [r.first]), ...r.phases.map((p) => row(p.name, p.cycles)));
    const [, none, one] = r.phases;
    const cpu = (p) => median(p.cycles.map((c) => c.cpuMs));
    Object.assign(figures, {
      [`watch ${r.tool} ${r.rt}: CPU ms a no-change refresh`]: cpu(none),
      [`watch ${r.tool} ${r.rt}: CPU ms a one-change refresh`]: cpu(one),
      [`watch ${r.tool} ${r.rt}: peak RSS MiB`]: r.peakKiB / 1024,
    });
    if (r.tool !== BY_NAME && r.tool !== LISTING) continue;
    const quiet = [...r.phases[0].cycles, ...none.cycles];
    const worst = (list, k) => Math.max(...list.map((c) => c[k]));
    // Refresh i (1-based, after the first render) lists the path when i is a multiple of the discovery interval.
    const every = r.tool === LISTING ? 1 : DISCOVERY;
    const listed = (offset) => (c, i) => (offset + i + 1) % every === 0;
    const expect = (list, offset, ifListed, byName) => list.every((c, i) => calls(c.calls) === (listed(offset)(c, i) ? ifListed : byName));
    const how = r.tool === LISTING ? 'lists the path (ceil(N/10) calls)' : `checks the names (ceil(N/10) GetParameters; every ${DISCOVERY}th lists the path)`;
    const label = `watch ${r.rt}${r.tool === LISTING ? ', discovery_interval: 1' : ''}`;
    checks.push(
      {
        check: `${label}: a no-change refresh ${how}, no decryption, writes nothing`,
        figure: `worst of ${quiet.length}: ${worst(quiet, 'decryptions')} decryptions, ${worst(quiet, 'files')} files, ${worst(quiet, 'bytes')} bytes`,
        ok: expect(quiet, 0, 'GetParametersByPath 100', 'GetParameters 100') && worst(quiet, 'decryptions') === 0 && worst(quiet, 'bytes') === 0,
      },
      {
        check: `${label}: a one-change refresh adds one GetParameters and one decryption, rewrites the three files`,
        figure: `${calls(one.cycles[0].calls)}; decryptions ${int(worst(one.cycles, 'decryptions'))} at most; files ${int(Math.min(...one.cycles.map((c) => c.files)))} at least`,
        ok:
          expect(one.cycles, quiet.length, 'GetParameters 1, GetParametersByPath 100', 'GetParameters 101') &&
          worst(one.cycles, 'decryptions') === 1 &&
          one.cycles.every((c) => c.files === 3),
      },
      { check: `${label}: stops with exit 0 on SIGTERM`, figure: String(r.exit), ok: r.exit === 0 },
    );
  }
  const memory = runs.map((r) => [r.tool, r.rt, int(1 + r.phases.reduce((a, p) => a + p.cycles.length, 0)), mib(r.peakKiB), mib(r.rssKiB), String(r.exit)]);
  const markdown = [
    `${int(N)} parameters (half SecureString), the fake at 0 ms with no rate limit. \`ssm-render watch --interval 1h --log-level debug\``,
    `with the three destinations of the cold render: by default (known names checked with GetParameters, the path listed every ${DISCOVERY}th`,
    'refresh) and, on the last runtime, with `watch.discovery_interval: 1` (the path listed every refresh); the SDK loop is `bench/naive-sdk-watch.mjs` (one `.env`, no YAML, no template,',
    'no redaction, no health server), bundled, on the last runtime. Each refresh is triggered by SIGHUP and ends at the line the',
    'process logs for it;',
    `CPU is every thread's, from /proc/PID/task/*/schedstat, from the signal to ${SETTLE_MS} ms after that line; wall is the signal to the line.`,
    'In "one value changed" a SecureString gets a new value before each refresh. Calls and decryptions are the fake\'s counts;',
    'a file counts as written when its inode, size or mtime changed. Medians (max in brackets).',
    "Runtimes: `host` as it is; `host + image flags` adds the ENTRYPOINT's node flags (less `--disable-sigusr1`) and the",
    "image's ENV; with `--image`, Node 22 as the image runs it (where `watch` starts again in place under V8's lite mode,",
    'src/cli/relaunch.ts), and the same with `node --no-lite-mode`, which keeps the full compiler.',
    '',
    table(
      ['process', 'runtime', 'refresh', 'refreshes', 'API calls', 'decryptions', 'files written', 'bytes written', 'CPU ms', 'wall ms', 'failed'],
      rows,
      'lllrlrrrrrr',
    ),
    '',
    'Memory of the same processes after those refreshes (/proc/PID/status: VmHWM is the peak, VmRSS the end):',
    '',
    table(['process', 'runtime', 'refreshes', 'peak RSS MiB', 'RSS at end MiB', 'exit'], memory, 'llrrrr'),
  ].join('\n');
  return { markdown, figures, checks };
}

/**
 * `watch` for `cycles` refreshes back to back, one SecureString rotated every 100: RSS at checkpoints.
 * On the image's runtime when there is one, else on this node with the image's flags.
 */
export async function soak({ bundles, scratch, rts, cycles, log }) {
  const rt = rts.at(-1);
  const job = writeJob(join(scratch, 'soak'), { n: N });
  const fake = await startFake(bundles.fake, { seed: job.seed, env: cleanEnv(scratch) });
  const [tool] = tools(rt, job, bundles);
  const proc = startDaemon(tool.argv, { env: { ...cleanEnv(scratch, { AWS_ENDPOINT_URL: fake.url }), ...rt.env }, cwd: job.dir });
  const marks = new Set([1, 100, ...[1, 2, 3, 4].map((q) => Math.round((cycles * q) / 4))]);
  const points = [];
  let failed = 0;
  let exit;
  const started = performance.now();
  try {
    await proc.next(tool.ready);
    for (let c = 1; c <= cycles; c++) {
      if (c % 100 === 0) await fake.put(job.params[1].name, `rotated-${c}`, 'SecureString');
      if (c % 200 === 0) await fake.reset(); // the fake keeps a record of every request until told to forget
      proc.signal('SIGHUP');
      if (isFailure(await proc.next(isRefresh))) failed += 1;
      if (marks.has(c)) points.push({ cycle: c, rssKiB: proc.rssKiB(), peakKiB: proc.peakKiB(), seconds: (performance.now() - started) / 1000 });
      if (c % 1000 === 0) log(`soak: ${c} refreshes, RSS ${mib(proc.rssKiB())} MiB`);
    }
  } finally {
    await fake.stop();
    exit = await proc.stop();
  }
  const from = points.find((p) => p.cycle === 100 && p !== points.at(-1)) ?? points[0];
  const to = points.at(-1);
  const growth = (to.rssKiB / from.rssKiB - 1) * 100;
  const markdown = [
    `\`ssm-render watch\` (${rt.name}) at N = ${int(N)}, ${int(cycles)} refreshes back to back by SIGHUP, one SecureString rotated every 100;`,
    `RSS (VmRSS) and peak (VmHWM) from /proc/PID/status. Failed refreshes: ${failed}; exit ${exit}.`,
    '',
    table(
      ['after refresh', 'RSS MiB', 'peak RSS MiB', 'at s'],
      points.map((p) => [int(p.cycle), mib(p.rssKiB), mib(p.peakKiB), int(p.seconds)]),
      'rrrr',
    ),
  ].join('\n');
  return {
    points,
    markdown,
    figures: { [`soak ${rt.name}: RSS MiB after ${cycles} refreshes`]: to.rssKiB / 1024, [`soak ${rt.name}: RSS growth % from refresh ${from.cycle}`]: growth },
    checks: [
      {
        check: `soak: RSS grows under 5% from refresh ${from.cycle} to ${to.cycle}, no refresh fails`,
        figure: `${mib(from.rssKiB)} -> ${mib(to.rssKiB)} MiB (${growth >= 0 ? '+' : ''}${growth.toFixed(1)}%); ${failed} failed`,
        ok: growth < 5 && failed === 0 && exit === 0,
      },
    ],
  };
}
