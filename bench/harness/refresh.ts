/**
 * `watch` refresh cycles, in-process with a virtual clock, against the fake at BENCH_URL over HTTP:
 * first the first render, then BENCH_WARMUP cycles with nothing changed that are reported apart (the
 * code is still being optimised), then BENCH_CYCLES cycles with nothing changed, then BENCH_CYCLES cycles
 * each after rotating BENCH_ROTATE (a fraction, 0.01) of the parameters. Each cycle is the loop's
 * own `refreshCycle` (refresh, log line at info, metrics); rotations happen between cycles, outside
 * the measurement. Calls and decryptions are the fake's counts; files written are told by inode,
 * size and mtime. Prints one JSON line: { first, modes: { warmup, unchanged, rotated: [cycle] } }.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger, Redactor } from '../../src/log';
import { firstRender, refreshCycle } from '../../src/runner/watch-loop';
import { control, fakeStats, fileIds, print, openWatch, sizes, timed, virtualClock } from './common';

const env = process.env;
const url = env['BENCH_URL'] as string;
const dir = env['BENCH_DIR'] as string;
const cycles = Number(env['BENCH_CYCLES'] ?? 20);
const warmup = Number(env['BENCH_WARMUP'] ?? 30);
const fraction = Number(env['BENCH_ROTATE'] ?? 0.01);

interface Cycle {
  cpuMs: number;
  wallMs: number;
  calls: Record<string, number>;
  decryptions: number;
  filesWritten: number;
  bytesWritten: number;
}

async function main(): Promise<void> {
  const seed = JSON.parse(readFileSync(join(dir, 'seed.json'), 'utf8')) as Array<{ name: string; type: string }>;
  const redactor = new Redactor();
  let warnings = 0;
  const log = await createLogger({ level: 'info', format: 'json', redactor, write: (line) => void (line.includes('"level":40') && (warnings += 1)) });
  const { config, deps, counts, close } = await openWatch(dir, url, { log, redactor, clock: virtualClock() });
  const files = config.templates.map((t) => t.destination);

  const measureCycle = async (step: () => Promise<unknown>): Promise<Cycle> => {
    await control(url, 'reset-counters', {});
    const before = fileIds(files);
    const { timing } = await timed(step);
    const after = fileIds(files);
    const written = files.filter((_, i) => before[i] !== after[i]);
    const stats = await fakeStats(url);
    return {
      ...timing,
      calls: stats.calls,
      decryptions: stats.decryptions,
      filesWritten: written.length,
      bytesWritten: sizes(written).reduce((a, b) => a + b, 0),
    };
  };

  const first = await measureCycle(() => firstRender(deps, 0));
  const onChange = async () => undefined;
  const warming: Cycle[] = [];
  for (let c = 0; c < warmup; c++) warming.push(await measureCycle(() => refreshCycle(deps, onChange, 'timer')));
  const unchanged: Cycle[] = [];
  for (let c = 0; c < cycles; c++) unchanged.push(await measureCycle(() => refreshCycle(deps, onChange, 'timer')));

  const perCycle = Math.max(1, Math.round(seed.length * fraction));
  const rotated: Cycle[] = [];
  for (let c = 0; c < cycles; c++) {
    for (let j = 0; j < perCycle; j++) {
      const p = seed[(c * perCycle + j) % seed.length] as { name: string; type: string };
      await control(url, 'put', { name: p.name, value: `rotated-${c}-${j}-${p.name.length}`, type: p.type });
    }
    rotated.push(await measureCycle(() => refreshCycle(deps, onChange, 'timer')));
  }
  close();
  print({
    parameters: seed.length,
    rotatedPerCycle: perCycle,
    first,
    modes: { warmup: warming, unchanged, rotated },
    failedRefreshes: counts.failedRefreshes,
    warnings,
    throttled: counts.throttled,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`refresh harness failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
