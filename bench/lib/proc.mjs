// Processes: one measured run (wall, CPU, peak RSS via wait4), the fake Parameter Store as its own
// process, and the environment every measured command gets.
/* global fetch */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const RUSAGE = fileURLToPath(new URL('./rusage.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

/** The node flags the image's ENTRYPOINT puts before the bundle (the Dockerfile says). */
export function imageNodeFlags() {
  const line = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8')
    .split('\n')
    .findLast((l) => l.startsWith('ENTRYPOINT '));
  const argv = JSON.parse(line.slice('ENTRYPOINT '.length));
  // --disable-sigusr1 changes nothing the bench measures, and Node 20 (the host's) refuses it.
  return argv.slice(1, -1).filter((flag) => flag !== '--disable-sigusr1');
}

/**
 * What the image's runtime stage sets with ENV (the Dockerfile says), less NODE_COMPILE_CACHE: the
 * runs that want a compile cache make their own. Each ENV line must set one variable to a plain
 * value (`ENV NAME=value`); any other form is refused rather than misread.
 */
export function imageEnv() {
  const lines = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8').split('\n');
  const runtime = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));
  const pairs = runtime
    .filter((l) => l.startsWith('ENV '))
    .map((l) => {
      const m = /^ENV ([A-Za-z_][A-Za-z0-9_]*)=([^\s"'\\$]+)$/.exec(l.trimEnd());
      if (!m) throw new Error(`Dockerfile: \`${l}\` is not \`ENV NAME=value\` with one plain value; the bench reads only that form`);
      return [m[1], m[2]];
    });
  return Object.fromEntries(pairs.filter(([name]) => name !== 'NODE_COMPILE_CACHE'));
}

let node22;

/**
 * The Node the image runs (22), from the npm registry as `npx -y node@22`, looked up once a run;
 * undefined when npx cannot fetch it (the runs that need it are then left out).
 */
export function imageNode() {
  if (node22 !== undefined) return node22 ?? undefined;
  try {
    const path = execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], {
      encoding: 'utf8',
      timeout: 180_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    node22 = { path, version: execFileSync(path, ['--version'], { encoding: 'utf8' }).trim() };
  } catch {
    node22 = null;
  }
  return node22 ?? undefined;
}

/** Static credentials, a region, no metadata service, no shared config: every client starts the same way. */
export function cleanEnv(home, extra = {}) {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: 'AKIDBENCH',
    AWS_SECRET_ACCESS_KEY: 'bench-secret',
    AWS_REGION: 'eu-west-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/**
 * Run `argv` once and resolve to { wallMs, userMs, sysMs, cpuMs, maxrssKiB, status, stdout, stderr }.
 * Past `timeoutMs` the command is killed (status -9); `termAfterMs` sends it SIGTERM (for `watch`).
 */
export async function measure(argv, { env, cwd, timeoutMs = 300_000, termAfterMs }) {
  const extra = { RUSAGE_TIMEOUT_MS: String(timeoutMs), ...(termAfterMs ? { RUSAGE_TERM_AFTER_MS: String(termAfterMs) } : {}) };
  const child = spawn(PYTHON, [RUSAGE, ...argv], { env: { ...env, ...extra }, cwd, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  const text = [1, 2, 3].map((fd) => {
    const chunks = [];
    child.stdio[fd].on('data', (d) => chunks.push(d));
    return () => Buffer.concat(chunks).toString();
  });
  const [code] = await once(child, 'close');
  const line = text[2]().trim();
  if (!line) throw new Error(`measuring \`${argv.join(' ')}\` failed (exit ${code}): ${text[1]().slice(-500)}`);
  const m = JSON.parse(line);
  return { ...m, cpuMs: m.userMs + m.sysMs, stdout: text[0](), stderr: text[1]() };
}

/** Start a bundled harness (node) and collect its one JSON line; rejects on a non-zero exit or a timeout. */
export async function runJson(script, { env, args = [], nodeArgs = [], timeoutMs }) {
  const child = spawn(process.execPath, [...nodeArgs, script, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const [code, signal] = await once(child, 'exit');
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${script} exited with ${code ?? signal}${signal === 'SIGKILL' ? ` (timeout ${timeoutMs} ms)` : ''}`);
  return JSON.parse(out.trim().split('\n').pop());
}

/**
 * The fake Parameter Store as its own process on 127.0.0.1, seeded from `seed`. Returns its URL and
 * its control API: stats(), reset(), options({...}), put(name, value, type), stop().
 */
export async function startFake(bundle, { seed, pageSize = 10, latencyMs = 0, rateLimit, burst, env }) {
  const args = [bundle, '--port', '0', '--page-size', String(pageSize), '--latency-ms', String(latencyMs)];
  if (seed) args.push('--seed', seed);
  if (rateLimit) args.push('--rate-limit', String(rateLimit), '--burst', String(burst ?? rateLimit));
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, 'line').then(([l]) => l),
    once(child, 'exit').then(() => undefined),
    new Promise((r) => setTimeout(r, 30_000)),
  ]);
  if (!first) {
    child.kill('SIGKILL');
    throw new Error('the fake Parameter Store did not start');
  }
  const { url } = JSON.parse(first);
  const control = async (route, body) => {
    const response = await fetch(`${url}/__fake/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    const reply = await response.json();
    if (!reply.ok) throw new Error(`fake ${route}: ${reply.error}`);
    return reply;
  };
  return {
    url,
    pid: child.pid,
    stats: async () => {
      const { calls, decryptions } = await control('stats');
      return { calls, decryptions, total: Object.values(calls).reduce((a, b) => a + b, 0) };
    },
    reset: () => control('reset-counters', {}),
    options: (o) => control('options', o),
    put: (name, value, type) => control('put', { name, value, type }),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await once(child, 'exit');
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
