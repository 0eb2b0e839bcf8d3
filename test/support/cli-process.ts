import { spawn, type ChildProcess } from 'node:child_process';
import { BUNDLE } from './run-cli';

export interface LiveCli {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>>;
  /** Everything printed so far, stdout and stderr. */
  output(): string;
  /** Resolves with the first log line (already seen or to come) matching `match`. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or 128 + signal) once the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>;
  kill(signal: NodeJS.Signals): void;
}

/** Start the built CLI as a long-running process (watch, exec) and follow its JSON log lines. */
export function startCli(args: readonly string[], options: { cwd: string; env: Record<string, string>; node?: readonly string[]; bundle?: string }): LiveCli {
  const [bin, ...pre] = options.node ?? [process.execPath];
  const child = spawn(bin as string, [...pre, options.bundle ?? BUNDLE, ...args], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const waiters: Array<{ match: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }> = [];
  let text = '';
  let partial = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => {
    const chunk = d.toString();
    text += chunk;
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      logs.push(parsed);
      for (const w of [...waiters]) {
        if (w.match(parsed)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(parsed);
        }
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; atMs: number }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, atMs: performance.now() })),
  );
  return {
    child,
    logs,
    output: () => text,
    exited,
    kill: (signal) => child.kill(signal),
    waitForLog(match, timeoutMs = 20_000) {
      const seen = logs.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching log line within ${timeoutMs} ms; output:\n${text.slice(-4000)}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      });
    },
  };
}

export const msg = (text: string | RegExp) => (line: Record<string, unknown>) =>
  typeof text === 'string' ? line['msg'] === text : text.test(String(line['msg']));

/** Poll `check` until it returns a value other than undefined, or fail after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
