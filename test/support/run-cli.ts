import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The executable; it runs CLI_BUNDLE, the bundled CLI. */
export const BUNDLE = resolve(__dirname, '../../dist/ssm-render.js');
export const CLI_BUNDLE = resolve(__dirname, '../../dist/cli.js');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stderr's JSON log lines, parsed. */
  readonly logs: Array<Record<string, unknown>>;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly input?: string;
  /** The node binary (e.g. a Node 22 one); defaults to the one running the tests. */
  readonly node?: readonly string[];
  /** The bundle to run; defaults to dist/ssm-render.js. */
  readonly bundle?: string;
  readonly timeoutMs?: number;
}

/**
 * A copy of the bundle any user can read: a checkout (or a clean clone in a 0700 temp directory)
 * may not be reachable by the non-root uid a test runs the CLI as.
 */
export function bundleForAnyUser(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ssm-render-bundle-'));
  chmodSync(dir, 0o755);
  const copy = join(dir, 'ssm-render.js');
  copyFileSync(BUNDLE, copy);
  chmodSync(copy, 0o755);
  // The executable runs the bundle beside it.
  copyFileSync(CLI_BUNDLE, join(dir, 'cli.js'));
  chmodSync(join(dir, 'cli.js'), 0o644);
  return copy;
}

/** An environment with nothing from the developer's machine: no AWS profile, no instance metadata. */
export function isolatedEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const home = mkdtempSync(join(tmpdir(), 'ssm-render-home-'));
  const env: Record<string, string | undefined> = {
    PATH: process.env['PATH'],
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    SSM_RENDER_LOG_FORMAT: 'json',
    ...extra,
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

export function parseLogs(stderr: string): Array<Record<string, unknown>> {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Run the built CLI as a real process (asynchronously, so an in-process fake server can answer). */
export function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  const [bin, ...pre] = options.node ?? [process.execPath];
  return new Promise((done, fail) => {
    const child = spawn(bin as string, [...pre, options.bundle ?? BUNDLE, ...args], {
      cwd: options.cwd,
      env: options.env ?? isolatedEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, logs: parseLogs(stderr) });
    });
    child.stdin.end(options.input ?? '');
  });
}

let node22: string | undefined;
/** The path of a Node 22 binary (the image's major), from `npx -y node@22`; fetched once a test process. */
export function node22Path(): string {
  node22 ??= execFileSync('npx', ['-y', 'node@22', '-p', 'process.execPath'], { encoding: 'utf8', timeout: 120_000 }).trim();
  return node22;
}
