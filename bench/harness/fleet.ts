/**
 * A fleet of FLEET_SIZE `watch` sidecars in one process, each with its own config, refresher, loop,
 * state and SDK client (own connection pool), on the real clock, against one fake at BENCH_URL whose
 * token bucket stands for the account's rate limit. They all start at once (a rollout, a node
 * restart). Once every first render is done and one interval has passed, one SecureString rotates;
 * the harness waits (at most 3 intervals) until every instance has rendered the new value.
 * Env: BENCH_URL, BENCH_DIR, FLEET_SIZE, FLEET_INTERVAL_MS, FLEET_JITTER, FLEET_KEY (relative key),
 * FLEET_NAME (its parameter name); AWS_RETRY_MODE is read by the SDK itself.
 * Prints one JSON line: { startup, steady, rotation } (times in ms, counts summed over the fleet).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setMaxListeners } from 'node:events';
import { createLogger, Redactor } from '../../src/log';
import { attemptsPerCall } from '../../src/retry/policy';
import { realClock } from '../../src/clock';
import { firstRender, watchLoop } from '../../src/runner/watch-loop';
import { control, type countingMetrics, fakeStats, openWatch, print } from './common';

const env = process.env;
const url = env['BENCH_URL'] as string;
const base = env['BENCH_DIR'] as string;
const size = Number(env['FLEET_SIZE'] ?? 300);
const intervalMs = Number(env['FLEET_INTERVAL_MS'] ?? 15_000);
const jitter = Number(env['FLEET_JITTER'] ?? 0.1);
const key = env['FLEET_KEY'] as string;
const name = env['FLEET_NAME'] as string;
const WAIT_MS = 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Counts = ReturnType<typeof countingMetrics>['counts'];
const sum = (all: Counts[], k: keyof Counts) => all.reduce((a, c) => a + c[k], 0);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number) : NaN;
}

/** Poll until `done()` or `limitMs` has passed; returns the time taken. */
async function until(done: () => boolean, limitMs: number): Promise<number> {
  const start = Date.now();
  while (!done() && Date.now() - start < limitMs) await sleep(50);
  return Date.now() - start;
}

async function main(): Promise<void> {
  const stop = new AbortController();
  // One stop signal for the whole fleet: every instance's waits and in-flight attempts listen to it.
  setMaxListeners(0, stop.signal);
  let warnings = 0;
  const log = await createLogger({ level: 'warn', format: 'json', redactor: new Redactor(), write: () => void (warnings += 1) });
  const target = `rotated-${Date.now()}`;
  const ready: Array<number | undefined> = [];
  const converged: Array<number | undefined> = [];
  let rotatedAt = Infinity;
  const all: Counts[] = [];
  const codes: Record<string, number> = {};
  const closers: Array<() => void> = [];
  const codesOf: Array<Record<string, number>> = [];
  const loops: Array<Promise<void>> = [];
  const t0 = Date.now();
  for (let i = 0; i < size; i++) {
    const dir = join(base, String(i));
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'ssm-render.yaml'),
      `prefix: /BENCH\nenv: PROD\nwatch: { interval: ${intervalMs}ms, jitter: ${jitter} }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n`,
    );
    const { deps, counts, codes: instanceCodes, close } = await openWatch(dir, url, { log, redactor: new Redactor(), clock: realClock, stop: stop.signal });
    all.push(counts);
    codesOf.push(instanceCodes);
    closers.push(close);
    const onChange = async (_written: readonly string[], data: { entries: ReadonlyMap<string, { value: string }> }) => {
      if (converged[i] === undefined && data.entries.get(key)?.value === target) converged[i] = Date.now() - rotatedAt;
    };
    loops.push(
      (async () => {
        const first = await firstRender(deps, WAIT_MS).catch(() => undefined);
        if (first === undefined) return;
        ready[i] = Date.now() - t0;
        await watchLoop(deps, onChange);
      })(),
    );
  }
  const readyCount = () => ready.filter((r) => r !== undefined).length;
  const allReadyMs = await until(() => readyCount() === size, WAIT_MS + 10_000);
  const atReady = { throttled: sum(all, 'throttled'), failed: sum(all, 'failedRefreshes') };
  const startup = {
    allReadyMs: readyCount() === size ? Math.max(...(ready as number[])) : null,
    firstReadyMs: Math.min(...ready.filter((r): r is number => r !== undefined)),
    ready: readyCount(),
    throttled: atReady.throttled,
    // firstRender counts a failure per retry; a failed loop refresh counts one too.
    firstRenderRetries: sum(all, 'failures') - atReady.failed,
    waitedMs: allReadyMs,
  };

  await sleep(intervalMs);
  const before = { throttled: sum(all, 'throttled'), failed: sum(all, 'failedRefreshes'), refreshes: sum(all, 'changed') + sum(all, 'unchanged') };
  const steady = {
    throttled: before.throttled - atReady.throttled,
    failedRefreshes: before.failed,
    refreshes: before.refreshes - readyCount(),
    seconds: intervalMs / 1000,
  };
  await control(url, 'reset-counters', {});
  rotatedAt = Date.now();
  await control(url, 'put', { name, value: target, type: 'SecureString' });
  const doneCount = () => converged.filter((c) => c !== undefined).length;
  const windowMs = 3 * intervalMs;
  await until(() => doneCount() >= readyCount(), windowMs);
  const stats = await fakeStats(url);
  const times = converged.filter((c): c is number => c !== undefined);
  const rotation = {
    converged: doneCount(),
    // Not every instance had the value when the window closed: no maximum (JSON has no NaN: null).
    maxMs: times.length === size ? Math.max(...times) : null,
    windowMs,
    p50Ms: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    boundMs: intervalMs * (1 + jitter),
    throttled: sum(all, 'throttled') - before.throttled,
    failedRefreshes: sum(all, 'failedRefreshes') - before.failed,
    refreshes: sum(all, 'changed') + sum(all, 'unchanged') - before.refreshes,
    fakeCalls: stats.calls,
    decryptions: stats.decryptions,
  };
  for (const c of codesOf) for (const [code, n] of Object.entries(c)) codes[code] = (codes[code] ?? 0) + n;
  stop.abort();
  await Promise.race([Promise.all(loops), sleep(10_000)]);
  closers.forEach((close) => close());
  print({
    size,
    intervalMs,
    jitter,
    retryMode: env['AWS_RETRY_MODE'] ?? 'standard',
    attempts: Number(env['AWS_MAX_ATTEMPTS'] ?? attemptsPerCall('long-running')),
    startup,
    steady,
    rotation,
    warnings,
    failureCodes: codes,
    totalFailedRefreshes: sum(all, 'failedRefreshes'),
  });
  // Sockets of 300 clients may linger a moment; the report is out.
  setTimeout(() => process.exit(0), 100).unref();
}

main().catch((error: unknown) => {
  process.stderr.write(`fleet harness failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
