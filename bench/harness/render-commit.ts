/**
 * Everything after the fetch, in-process: merge the layers, render the three files, commit them.
 * Bundled and run as its own process; the first iteration is the one a `render` process pays (cold
 * code), the rest are warm. Each iteration starts from an empty out/ directory, so every file is
 * written. The warm iterations take the parameters from memory, so no API time is in them.
 *
 * With BENCH_URL, the first iteration is `render`'s own: renderOnce compiles the templates, fetches
 * the path for real (the SDK over HTTP from the fake at that URL) and renders; its `total` is the
 * CPU from the moment the fetch returned, and `beforeFetch` what renderOnce spent before the first
 * API call (compiling the templates). Without it, the parameters come from the seed file and nothing
 * else has run in the process before.
 *
 * Env: BENCH_DIR (holds ssm-render.yaml, app.sh.hbs, seed.json), BENCH_CONFIG (another config file in
 * BENCH_DIR, instead of ssm-render.yaml), BENCH_ITERATIONS (default 5),
 * BENCH_MODE `total` (renderOnce, as `render` runs it) or `phases` (its steps, timed one by one),
 * BENCH_URL (optional, with BENCH_MODE total). Prints one JSON line:
 * { mode, fetched, parameters, bytes, iterations: [{ phase: { cpuMs, wallMs } }] }.
 */
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../src/cli/open-store';
import { readConfig } from '../../src/cli/session';
import { createLogger, Redactor } from '../../src/log';
import { commitFiles } from '../../src/output/commit';
import { prepareTemplates, renderAll } from '../../src/render/render-all';
import { loadData } from '../../src/runner/load-data';
import { redactable, renderOnce, type RenderDeps } from '../../src/runner/render-once';
import type { Parameter, ParameterSource } from '../../src/source/types';
import { timed, type Timing } from './common';

const env = process.env;
const dir = env['BENCH_DIR'] as string;
const iterations = Number(env['BENCH_ITERATIONS'] ?? 5);
const mode = env['BENCH_MODE'] ?? 'total';

function seedParameters(): Parameter[] {
  const seed = JSON.parse(readFileSync(join(dir, 'seed.json'), 'utf8')) as Array<{ name: string; value: string; type: Parameter['type'] }>;
  return seed.map((p) => ({ ...p, version: 1 }));
}

const mark = () => ({ cpu: process.cpuUsage(), wall: performance.now() });
type Mark = ReturnType<typeof mark>;
const between = (from: Mark, to: Mark): Timing => ({
  cpuMs: (to.cpu.user + to.cpu.system - from.cpu.user - from.cpu.system) / 1000,
  wallMs: to.wall - from.wall,
});

/**
 * The first iteration as `render` runs it, over the real source: the CPU before the first API call,
 * and from the moment the path's parameters arrived to the end. Returns what it fetched.
 */
async function renderFetching(base: Omit<RenderDeps, 'source'>): Promise<{ parameters: Parameter[]; timings: Record<string, Timing> }> {
  const opened = await openStore(base.config);
  try {
    const real = opened.source as ParameterSource;
    let parameters: Parameter[] = [];
    let called: Mark | undefined;
    let fetched: Mark | undefined;
    const source: ParameterSource = {
      byPath: async (path, options) => {
        called = mark();
        parameters = await real.byPath(path, options);
        fetched = mark();
        return parameters;
      },
      byNames: (names, options) => real.byNames(names, options),
      notFound: (request) => real.notFound(request),
    };
    const start = mark();
    await renderOnce({ ...base, source });
    const end = mark();
    if (!called || !fetched) throw new Error('renderOnce did not fetch the path');
    return { parameters, timings: { total: between(fetched, end), beforeFetch: between(start, called) } };
  } finally {
    opened.close();
  }
}

async function main(): Promise<void> {
  const config = readConfig(
    { argv: [], env, cwd: dir, stdout: () => undefined },
    { config: join(dir, env['BENCH_CONFIG'] ?? 'ssm-render.yaml'), endpointUrl: env['BENCH_URL'] },
  );
  const fetched = env['BENCH_URL'] !== undefined;
  if (fetched && mode !== 'total') throw new Error('BENCH_URL goes with BENCH_MODE=total');
  const log = await createLogger({ level: 'warn', format: 'json', redactor: new Redactor(), write: () => undefined });
  const out = join(dir, 'out');
  const results: Array<Record<string, Timing>> = [];
  rmSync(out, { recursive: true, force: true });
  const first = fetched ? await renderFetching({ config, log, redactor: new Redactor() }) : undefined;
  if (first) results.push(first.timings);
  const parameters = first?.parameters ?? seedParameters();
  const source: ParameterSource = { byPath: async () => [...parameters], byNames: async () => new Map(), notFound: () => undefined };
  for (let i = results.length; i < iterations; i++) {
    rmSync(out, { recursive: true, force: true });
    const redactor = new Redactor();
    if (mode === 'total') {
      const total = await timed(() => renderOnce({ config, source, log, redactor }));
      results.push({ total: total.timing });
      continue;
    }
    const s = config.settings;
    const meta = { env: s.env.value, prefix: s.prefix.value, path: s.path, region: s.region?.value, local: s.local.value };
    const prepare = await timed(async () => prepareTemplates(config.templates));
    const merge = await timed(() => loadData(config, source));
    const redact = await timed(async () => redactor.add(redactable(merge.value)));
    const render = await timed(() => renderAll(prepare.value, merge.value, meta));
    const commit = await timed(() => commitFiles(render.value));
    results.push({ prepare: prepare.timing, merge: merge.timing, redact: redact.timing, render: render.timing, commit: commit.timing });
  }
  const bytes = config.templates.reduce((sum, t) => sum + statSync(t.destination).size, 0);
  process.stdout.write(`${JSON.stringify({ mode, fetched, parameters: parameters.length, bytes, iterations: results })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`render-commit failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(1);
});
