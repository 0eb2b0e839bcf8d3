/**
 * The watch loop run for many cycles with a virtual clock (no real waiting), against a Parameter
 * Store at SOAK_URL over real HTTP, reporting RSS along the way. Bundled and run as its own process
 * (`node --expose-gc`) so the memory it reports is the loop's alone.
 *
 * Env: SOAK_URL, SOAK_DIR (a config is written there), SOAK_CYCLES, SOAK_INTERVAL (ms),
 * SOAK_ROTATE_EVERY (cycles between rotations of one value), SOAK_CHECKPOINTS (comma-separated cycles).
 * Prints one JSON line: { cycles, virtualHours, rotations, changes, failures, rssMiB: {cycle: MiB}, heapMiB }.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/cli/open-store';
import { readConfig } from '../../src/cli/session';
import { createLogger, Redactor } from '../../src/log';
import { noMetrics } from '../../src/metrics';
import type { Clock } from '../../src/clock';
import { Refresher } from '../../src/runner/refresher';
import { Wake } from '../../src/runner/wake';
import { firstRender, watchLoop } from '../../src/runner/watch-loop';
import { WatchState } from '../../src/runner/watch-state';

const env = process.env;
const url = env['SOAK_URL'] as string;
const dir = env['SOAK_DIR'] as string;
const cycles = Number(env['SOAK_CYCLES'] ?? 2880);
const intervalMs = Number(env['SOAK_INTERVAL'] ?? 30_000);
const rotateEvery = Number(env['SOAK_ROTATE_EVERY'] ?? 100);
const checkpoints = new Set((env['SOAK_CHECKPOINTS'] ?? `1,100,${cycles}`).split(',').map(Number));

const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const gc = (globalThis as { gc?: () => void }).gc;

async function main(): Promise<void> {
  writeFileSync(
    join(dir, 'ssm-render.yaml'),
    `prefix: /SOAK\nenv: PROD\nwatch: { interval: ${intervalMs}ms, jitter: 0.1 }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n  - format: yaml\n    destination: out/app.yaml\n  - format: json\n    destination: out/app.json\n`,
  );
  const world = { argv: [], env, cwd: dir, stdout: () => undefined };
  const config = readConfig(world, { endpointUrl: url });
  let failures = 0;
  const log = await createLogger({ level: 'warn', format: 'json', redactor: new Redactor(), write: () => void (failures += 1) });
  const opened = await openStore(config);
  let now = 0;
  // Virtual time: a sleep moves the clock on and yields once, so HTTP and timers still run.
  const clock: Clock = { now: () => now, sleep: async (ms) => void ((now += ms), await new Promise((r) => setImmediate(r))) };
  const deps = {
    refresher: new Refresher({ config, source: opened.source, log, redactor: new Redactor() }),
    watch: config.watch,
    clock,
    stop: new AbortController().signal,
    wake: new Wake(),
    state: new WatchState(0, undefined),
    log,
    metrics: noMetrics,
    stats: opened.stats,
  };
  const rss: Record<number, number> = {};
  let cycle = 0;
  let changes = 0;
  let rotations = 0;
  await firstRender(deps, 0);
  const detail: Record<number, Record<string, number>> = {};
  const measure = () => {
    gc?.();
    const m = process.memoryUsage();
    rss[cycle] = mib(m.rss);
    detail[cycle] = { heapUsed: mib(m.heapUsed), heapTotal: mib(m.heapTotal), external: mib(m.external), arrayBuffers: mib(m.arrayBuffers) };
  };
  await watchLoop(
    deps,
    async () => void (changes += 1),
    cycles,
    async () => {
      cycle += 1;
      if (cycle % rotateEvery === 0) {
        rotations += 1;
        await fetch(`${url}/__fake/put`, {
          method: 'POST',
          body: JSON.stringify({ name: '/SOAK/PROD/ROTATING', value: `v${rotations}`, type: 'SecureString' }),
        });
      }
      if (checkpoints.has(cycle)) measure();
    },
  );
  opened.close();
  process.stdout.write(
    `${JSON.stringify({ cycles: cycle, virtualHours: Math.round((now / 3_600_000) * 10) / 10, rotations, changes, failures, calls: opened.stats.total(), decryptions: opened.stats.decryptions, rssMiB: rss, detail, heapMiB: mib(process.memoryUsage().heapUsed) })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`soak failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
