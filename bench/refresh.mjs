// 3. Refresh in `watch`, N = 1,000: nothing changed versus 1% changed, per cycle.
import { join } from 'node:path';
import { cleanEnv, runJson, startFake } from './lib/proc.mjs';
import { calls, int, median, ms, table } from './lib/stats.mjs';
import { writeJob } from './lib/workload.mjs';

const N = 1_000;

export async function refresh({ bundles, scratch, runs, log }) {
  const job = writeJob(join(scratch, 'refresh'), { n: N });
  const fake = await startFake(bundles.fake, { seed: job.seed, env: cleanEnv(scratch) });
  try {
    const cycles = Math.max(10, runs * 4);
    const env = cleanEnv(scratch, { BENCH_URL: fake.url, BENCH_DIR: job.dir, BENCH_CYCLES: String(cycles), BENCH_ROTATE: '0.01' });
    const report = await runJson(bundles.refresh, { env, timeoutMs: 300_000 });
    log(`refresh: ${cycles} cycles a mode, failed refreshes ${report.failedRefreshes}`);
    return { ...report, cycles };
  } finally {
    await fake.stop();
  }
}

function summary(label, list) {
  const pick = (k) => median(list.map((c) => c[k]));
  const ops = [...new Set(list.flatMap((c) => Object.keys(c.calls)))];
  const byOp = Object.fromEntries(ops.map((op) => [op, median(list.map((c) => c.calls[op] ?? 0))]));
  const spread = (k) => `${int(Math.min(...list.map((c) => c[k])))}–${int(Math.max(...list.map((c) => c[k])))}`;
  return {
    label,
    byOp,
    decryptions: pick('decryptions'),
    files: pick('filesWritten'),
    bytes: pick('bytesWritten'),
    cpuMs: pick('cpuMs'),
    wallMs: pick('wallMs'),
    spread: { decryptions: spread('decryptions'), files: spread('filesWritten'), bytes: spread('bytesWritten') },
    count: list.length,
  };
}

export function refreshSummaries(r) {
  return [
    summary('first render (in-process)', [r.first]),
    summary('no change, first cycles', r.modes.warmup),
    summary('no change', r.modes.unchanged),
    summary(`1% changed (${r.rotatedPerCycle} a cycle)`, r.modes.rotated),
  ];
}

export function refreshMarkdown(r) {
  const rows = refreshSummaries(r).map((s) => [
    s.label,
    int(s.count),
    calls(s.byOp),
    `${int(s.decryptions)} (${s.spread.decryptions})`,
    `${int(s.files)} (${s.spread.files})`,
    `${int(s.bytes)} (${s.spread.bytes})`,
    ms(s.cpuMs),
    ms(s.wallMs),
  ]);
  return [
    `${int(r.parameters)} parameters (half SecureString), three destinations, the fake at 0 ms latency, no rate limit. Each`,
    "cycle is the loop's own `refreshCycle` (log at info); CPU is the whole process's user + sys for the cycle. The first",
    `${r.modes.warmup.length} no-change cycles are shown apart (V8 is still optimising); then medians over ${r.cycles} cycles a row (min–max`,
    `in brackets). Failed refreshes: ${r.failedRefreshes}; throttled attempts: ${r.throttled}.`,
    '',
    table(['cycle', 'cycles', 'API calls', 'decryptions', 'files written', 'bytes written', 'CPU ms', 'wall ms'], rows, 'lrlrrrrr'),
  ].join('\n');
}

export function refreshTargets(r) {
  const none = refreshSummaries(r)[2];
  const cycles = [...r.modes.warmup, ...r.modes.unchanged];
  const worst = (k) => Math.max(...cycles.map((c) => c[k]));
  return [
    {
      target: 'No-change refresh: zero decryptions, zero bytes written',
      figure: `${int(worst('decryptions'))} decryptions, ${int(worst('bytesWritten'))} bytes, ${int(worst('filesWritten'))} files (worst of ${cycles.length} cycles); ${calls(none.byOp)} calls`,
      met: worst('decryptions') === 0 && worst('bytesWritten') === 0 && worst('filesWritten') === 0,
    },
  ];
}
