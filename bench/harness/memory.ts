/**
 * Memory over time: the watch loop (`firstRender` then `watchLoop`) for BENCH_CYCLES cycles with a
 * virtual clock, against the fake at BENCH_URL over real HTTP, rotating one SecureString every
 * BENCH_ROTATE_EVERY cycles. At each of BENCH_CHECKPOINTS it records RSS as the process sits, then
 * RSS and heap after a full GC (run with --expose-gc). Adapted from test/support/watch-soak.ts.
 * Prints one JSON line: { cycles, rotations, changes, failedRefreshes, checkpoints: [...], peakRssMiB, seconds }.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics } from 'node:v8';
import { createLogger, Redactor } from '../../src/log';
import { firstRender, watchLoop } from '../../src/runner/watch-loop';
import { control, mib, openWatch, print, virtualClock } from './common';

const env = process.env;
const url = env['BENCH_URL'] as string;
const dir = env['BENCH_DIR'] as string;
const cycles = Number(env['BENCH_CYCLES'] ?? 10_000);
const rotateEvery = Number(env['BENCH_ROTATE_EVERY'] ?? 100);
const checkpoints = new Set((env['BENCH_CHECKPOINTS'] ?? `1,100,${cycles}`).split(',').map(Number));
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  const seed = JSON.parse(readFileSync(join(dir, 'seed.json'), 'utf8')) as Array<{ name: string; type: string }>;
  const rotating = seed.find((p) => p.type === 'SecureString')?.name as string;
  const redactor = new Redactor();
  const log = await createLogger({ level: 'info', format: 'json', redactor, write: () => undefined });
  const { deps, counts, close, stats } = await openWatch(dir, url, { log, redactor, clock: virtualClock() });
  const started = performance.now();
  const points: Array<Record<string, number>> = [];
  let cycle = 0;
  let changes = 0;
  let rotations = 0;
  const checkpoint = () => {
    const rss = process.memoryUsage.rss();
    gc?.();
    const m = process.memoryUsage();
    const space = (name: string) => mib(getHeapSpaceStatistics().find((s) => s.space_name === name)?.space_size ?? 0);
    points.push({
      cycle,
      rssMiB: mib(rss),
      rssAfterGcMiB: mib(m.rss),
      heapUsedMiB: mib(m.heapUsed),
      heapTotalMiB: mib(m.heapTotal),
      newSpaceMiB: space('new_space'),
      oldSpaceMiB: space('old_space'),
      codeSpaceMiB: space('code_space'),
      externalMiB: mib(m.external),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    });
  };
  await firstRender(deps, 0);
  checkpoint();
  await watchLoop(
    deps,
    async () => void (changes += 1),
    cycles,
    async () => {
      cycle += 1;
      if (cycle % rotateEvery === 0) {
        rotations += 1;
        await control(url, 'put', { name: rotating, value: `rotated-${rotations}`, type: 'SecureString' });
      }
      // The fake keeps a record of every request until told to forget; keep it small.
      if (cycle % 200 === 0) await control(url, 'reset-counters', {});
      if (checkpoints.has(cycle)) checkpoint();
    },
  );
  close();
  print({
    parameters: seed.length,
    cycles: cycle,
    rotations,
    changes,
    failedRefreshes: counts.failedRefreshes,
    calls: stats.total(),
    checkpoints: points,
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    seconds: Math.round((performance.now() - started) / 1000),
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`memory harness failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
