/** What the in-process harnesses share: timing, a virtual clock, counting metrics, the fake's control API. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { openSource, readConfig } from '../../src/cli/context';
import type { Logger, Redactor } from '../../src/log';
import type { LoopMetrics } from '../../src/metrics';
import type { Clock } from '../../src/runner/clock';
import { Refresher } from '../../src/runner/refresher';
import { Wake } from '../../src/runner/wake';
import type { LoopDeps } from '../../src/runner/watch-loop';
import { WatchState } from '../../src/runner/watch-state';

export interface Timing {
  cpuMs: number;
  wallMs: number;
}

/** CPU (user + sys of the whole process, libuv's threads included) and wall time of one awaited step. */
export async function timed<T>(step: () => Promise<T>): Promise<{ value: T; timing: Timing }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const value = await step();
  const used = process.cpuUsage(cpu);
  return { value, timing: { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - wall } };
}

/** Virtual time: a sleep moves the clock on and yields once, so HTTP and timers still run. */
export function virtualClock(): Clock & { advance(ms: number): void } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => void ((now += ms), await new Promise((r) => setImmediate(r))),
    advance: (ms) => void (now += ms),
  };
}

/** Loop metrics that only count what the benchmarks report. */
export function countingMetrics() {
  const counts = { throttled: 0, failures: 0, failedRefreshes: 0, changed: 0, unchanged: 0, calls: 0 };
  const codes: Record<string, number> = {};
  const metrics: LoopMetrics = {
    refresh: (result) => void (result === 'failed' ? (counts.failedRefreshes += 1) : (counts[result] += 1)),
    failure: (code) => void ((counts.failures += 1), (codes[code] = (codes[code] ?? 0) + 1)),
    checkFailure: () => undefined,
    call: () => void (counts.calls += 1),
    throttled: () => void (counts.throttled += 1),
    files: () => undefined,
    notification: () => undefined,
    parameters: () => undefined,
    lastSuccess: () => undefined,
  };
  return { metrics, counts, codes };
}

/** One call to the fake's control API (`/__fake/<route>`); POST when there is a body. */
export async function control<T = Record<string, unknown>>(url: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${url}/__fake/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
  const reply = (await response.json()) as T & { ok: boolean; error?: string };
  if (!reply.ok) throw new Error(`fake ${route}: ${reply.error ?? 'failed'}`);
  return reply;
}

export async function fakeStats(url: string): Promise<{ calls: Record<string, number>; decryptions: number }> {
  return control(url, 'stats');
}

/** Identity of each file (inode, size, mtime): what changed between two snapshots was written. */
export function fileIds(files: readonly string[]): string[] {
  return files.map((f) => {
    try {
      const s = statSync(f, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'absent';
    }
  });
}

export function sizes(files: readonly string[]): number[] {
  return files.map((f) => {
    try {
      return statSync(f).size;
    } catch {
      return 0;
    }
  });
}

export const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

export function print(result: unknown): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * One `watch` instance's loop, wired as `ssm-render watch` wires it (its config from
 * `dir/ssm-render.yaml`, its own source and SDK client against the fake at `url`), counting what
 * the benchmarks report. `close()` ends its client.
 */
export async function openWatch(dir: string, url: string, parts: { log: Logger; redactor: Redactor; clock: Clock; stop?: AbortSignal }) {
  const config = readConfig({ argv: [], env: process.env, cwd: dir, stdout: () => undefined }, { config: join(dir, 'ssm-render.yaml'), endpointUrl: url });
  const counted = countingMetrics();
  const opened = await openSource(config, { metrics: counted.metrics, longRunning: true });
  const { log, redactor, clock } = parts;
  const deps: LoopDeps = {
    refresher: new Refresher({ config, source: opened.source, log, redactor }),
    watch: config.watch,
    clock,
    stop: parts.stop ?? new AbortController().signal,
    wake: new Wake(),
    state: new WatchState(clock.now(), undefined),
    log,
    metrics: counted.metrics,
    stats: opened.stats,
  };
  return { config, deps, counts: counted.counts, codes: counted.codes, stats: opened.stats, close: () => opened.close() };
}
