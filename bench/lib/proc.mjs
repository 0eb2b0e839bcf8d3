// Processes the bench runs and how it measures them: whole short-lived commands through wait4
// (rusage.py), long-lived ones through /proc and their own log lines, the fake Parameter Store and the
// fake Kubernetes API each as its own process, and the runtimes (node, flags, environment) each command runs under.
/* global fetch */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist/ssm-render.js');
const RUSAGE = fileURLToPath(new URL('./rusage.py', import.meta.url));
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The fakes (Parameter Store, Kubernetes API: the ones tests use) and the naive scripts, bundled as the product is. */
export async function bundle(outdir) {
  const entries = {
    fake: 'test/support/fake-ssm/main.ts',
    fakeKube: 'test/support/fake-kube/main.ts',
    naive: 'bench/naive-sdk.mjs',
    naiveWatch: 'bench/naive-sdk-watch.mjs',
  };
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', absWorkingDir: ROOT };
  const out = Object.fromEntries(Object.keys(entries).map((name) => [name, join(outdir, `${name}.cjs`)]));
  await Promise.all(Object.entries(entries).map(([name, entry]) => build({ ...common, entryPoints: [entry], outfile: out[name] })));
  return out;
}

const dockerfile = () => readFileSync(join(ROOT, 'Dockerfile'), 'utf8').split('\n');

/** The node flags of the image's ENTRYPOINT (between the node binary and the bundle). */
function imageNodeFlags() {
  const line = dockerfile().findLast((l) => l.startsWith('ENTRYPOINT '));
  return JSON.parse(line.slice('ENTRYPOINT '.length)).slice(1, -1);
}

/** The runtime stage's `ENV NAME=value` lines, less NODE_COMPILE_CACHE (a runtime that wants one makes its own). */
function imageEnv() {
  const lines = dockerfile();
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

/** The image's Node (22) from the npm registry (`npx -y node@22`), or a reason why not. */
function node22() {
  const path = execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], { encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'ignore'] });
  return path.trim();
}

/**
 * Runtimes: { name, node, flags, env }. `host` is this machine's node as it is; `+ cache` adds
 * NODE_COMPILE_CACHE, a directory the warm-up run fills with the bundle's code cache (and, on Node
 * 22, Node's own for the SDK script); `host + image flags`
 * adds the ENTRYPOINT's flags (less --disable-sigusr1, which Node 20 refuses) and the image's ENV.
 * With `image`: Node 22 as it is, and Node 22 as the image runs it (every ENTRYPOINT flag, its ENV,
 * and a compile cache made the way the Dockerfile makes one: the ENTRYPOINT running `version`; the
 * naive script's is made by its first run, the uncounted warm-up).
 */
export function runtimes({ image, scratch }) {
  const version = (node) => execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const flags = imageNodeFlags();
  const env = imageEnv();
  const host = { name: `host ${process.version}`, node: process.execPath, flags: [], env: {} };
  const hostImage = { ...host, name: `${host.name} + image flags`, flags: flags.filter((f) => f !== '--disable-sigusr1'), env };
  // A directory of its own for each runtime's code cache, made by its first (warm-up) run.
  const withCache = (rt, name) => {
    mkdirSync(join(scratch, name), { recursive: true });
    return { ...rt, name: `${rt.name} + cache`, env: { ...rt.env, NODE_COMPILE_CACHE: join(scratch, name) } };
  };
  const hostCache = withCache(host, 'cache-host');
  if (!image) return { host, hostCache, hostImage };
  const node = node22();
  const cache = join(scratch, 'compile-cache');
  mkdirSync(cache, { recursive: true });
  const asImage = { name: `image: ${version(node)} + flags + cache`, node, flags, env: { ...env, NODE_COMPILE_CACHE: cache } };
  execFileSync(node, [...flags, CLI, 'version'], { env: { ...cleanEnv(scratch), ...asImage.env }, stdio: 'ignore' });
  const node22rt = { name: `Node ${version(node)}`, node, flags: [], env: {} };
  // `watch` starts again under lite mode on Node 22 (src/cli/relaunch.ts) unless node is told either way.
  const imageFullJit = { ...asImage, name: `${asImage.name}, --no-lite-mode`, flags: [...flags, '--no-lite-mode'] };
  return { host, hostCache, hostImage, node22: node22rt, node22Cache: withCache(node22rt, 'cache-node22'), image: asImage, imageFullJit };
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

/** Run `argv` to its end: { wallMs, cpuMs, maxrssKiB, status, stderr } from wait4 (see rusage.py). */
export async function measure(argv, { env, cwd, timeoutMs = 300_000 }) {
  const child = spawn('/usr/bin/python3', [RUSAGE, ...argv], {
    env: { ...env, RUSAGE_TIMEOUT_MS: String(timeoutMs) },
    cwd,
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  const text = [2, 3].map((fd) => {
    const chunks = [];
    child.stdio[fd].on('data', (d) => chunks.push(d));
    return () => Buffer.concat(chunks).toString();
  });
  const [code] = await once(child, 'close');
  const [stderr, report] = text.map((t) => t());
  if (!report.trim()) throw new Error(`measuring \`${argv.join(' ')}\` failed (exit ${code}): ${stderr.slice(-500)}`);
  const m = JSON.parse(report);
  return { ...m, cpuMs: m.userMs + m.sysMs, stderr };
}

/**
 * The fake Parameter Store as its own process on 127.0.0.1 (10 items a page), seeded from `seed`;
 * its control API: stats(), reset(), options({...}), put(name, value, type), stop().
 */
export async function startFake(bundled, { seed, latencyMs = 0, rateLimit, env }) {
  const args = [bundled, '--port', '0', '--page-size', '10', '--latency-ms', String(latencyMs), '--seed', seed];
  if (rateLimit) args.push('--rate-limit', String(rateLimit.perSecond), '--burst', String(rateLimit.burst));
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const [first] = await Promise.race([once(createInterface({ input: child.stdout }), 'line'), once(child, 'exit').then(() => [])]);
  if (!first) throw new Error('the fake Parameter Store did not start');
  const { url } = JSON.parse(first);
  const control = async (route, body) => {
    const response = await fetch(`${url}/__fake/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
    const reply = await response.json();
    if (!reply.ok) throw new Error(`fake ${route}: ${reply.error}`);
    return reply;
  };
  return {
    url,
    stats: async () => {
      const { calls, decryptions } = await control('stats');
      return { calls, decryptions, total: Object.values(calls).reduce((a, b) => a + b, 0) };
    },
    reset: () => control('reset-counters', {}),
    options: (o) => control('options', o),
    put: (name, value, type) => control('put', { name, value, type }),
    stop: () => stopChild(child),
  };
}

/**
 * The fake Kubernetes API as its own process on 127.0.0.1 (http), with `namespace` and the ConfigMap
 * `configmap` (empty); `kubeconfig` is where it writes the kubeconfig a pod's KUBECONFIG names.
 */
export async function startFakeKube(bundled, { kubeconfig, namespace, configmap, env }) {
  const child = spawn(process.execPath, [bundled, '--kubeconfig', kubeconfig, '--namespace', namespace, '--configmap', configmap], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [first] = await Promise.race([once(createInterface({ input: child.stdout }), 'line'), once(child, 'exit').then(() => [])]);
  if (!first) throw new Error('the fake Kubernetes API did not start');
  return { ...JSON.parse(first), stop: () => stopChild(child) };
}

async function stopChild(child) {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await once(child, 'exit');
    clearTimeout(timer);
  }
  return child.exitCode ?? child.signalCode;
}

/** A field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak so far). */
const statusKiB = (pid, field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

/** CPU time of every thread of `pid`, in ms (schedstat: nanoseconds, unlike stat's 10 ms ticks). */
function cpuMs(pid) {
  let ns = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e6;
}

/**
 * A long-lived process (`watch`, the naive loop) that logs JSON lines on stderr. `next(test)` waits
 * for the next line that passes `test` (earlier lines are passed over); `cpuMs()`, `rssKiB()` and
 * `peakKiB()` read /proc; `stop()` sends SIGTERM and resolves to the exit status.
 */
export function startDaemon(argv, { env, cwd }) {
  const child = spawn(argv[0], argv.slice(1), { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = [];
  let cursor = 0;
  let wake = () => undefined;
  createInterface({ input: child.stderr }).on('line', (line) => {
    try {
      lines.push(JSON.parse(line));
    } catch {
      lines.push({ msg: line });
    }
    wake();
  });
  child.on('exit', () => wake());
  const next = (test, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const settle = (done, value) => {
        clearTimeout(timer);
        wake = () => undefined; // lines that come before the next wait stay for it
        done(value);
      };
      const timer = setTimeout(() => settle(reject, new Error(`${argv.slice(-4).join(' ')}: no matching log line in ${timeoutMs} ms`)), timeoutMs);
      wake = () => {
        while (cursor < lines.length) {
          const line = lines[cursor++];
          if (test(line)) return settle(resolve, line);
        }
        if (child.exitCode !== null || child.signalCode !== null)
          settle(reject, new Error(`${argv.slice(-4).join(' ')} exited (${child.exitCode ?? child.signalCode}): ${JSON.stringify(lines.slice(-3))}`));
      };
      wake();
    });
  return {
    pid: child.pid,
    lines,
    next,
    signal: (name) => child.kill(name),
    cpuMs: () => cpuMs(child.pid),
    rssKiB: () => statusKiB(child.pid, 'VmRSS'),
    peakKiB: () => statusKiB(child.pid, 'VmHWM'),
    stop: () => stopChild(child),
  };
}
