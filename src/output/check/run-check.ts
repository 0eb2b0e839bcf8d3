import { spawn } from 'node:child_process';
import { StderrTail } from './stderr-tail';

/** How a check ended. */
export type CheckEnd =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'timed-out' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'cannot-start'; readonly code: string };

export interface CheckRun {
  readonly end: CheckEnd;
  /** The end of its stderr, unscrubbed: `TAIL_LINES` lines at most. */
  readonly stderr: string;
}

export interface RunCheckOptions {
  readonly env: Record<string, string>;
  readonly timeoutMs: number;
  /** Aborted: the check's group is stopped as on a timeout, and the promise rejects with the reason. */
  readonly signal?: AbortSignal | undefined;
  /** Between SIGTERM and SIGKILL. */
  readonly killGraceMs?: number | undefined;
}

export type CheckRunner = (argv: readonly string[], options: RunCheckOptions) => Promise<CheckRun>;

const KILL_GRACE_MS = 1_000;
/** Once the check has exited, how long its stderr may stay open (a process that left the group holds it). */
const DRAIN_MS = 500;

/** Process groups of checks running now, so that a forced exit can still end them. */
const running = new Set<number>();

const signalGroup = (pgid: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is gone
  }
};

/** End every check still running, at once; for a process that must exit now. */
export function killRunningChecks(): void {
  for (const pgid of running) signalGroup(pgid, 'SIGKILL');
  running.clear();
}

/**
 * Run a check (no shell) in a process group of its own, stdin and stdout on /dev/null, keeping the
 * end of its stderr. On a timeout or an abort the whole group gets SIGTERM, then SIGKILL; once the
 * check exits, anything it left behind in its group is killed too, so nothing it started outlives it.
 */
export const runCheck: CheckRunner = (argv, options) =>
  new Promise((resolve, reject) => {
    const [program, ...args] = argv as [string, ...string[]];
    const tail = new StderrTail();
    const child = spawn(program, args, { env: options.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const pgid = child.pid;
    if (pgid !== undefined) running.add(pgid);
    let timedOut = false;
    let stopping = false;
    let settled = false;
    let exit: CheckEnd | undefined;
    const timers: Array<ReturnType<typeof setTimeout>> = [];
    const stop = () => {
      if (pgid === undefined || stopping) return;
      stopping = true;
      signalGroup(pgid, 'SIGTERM');
      timers.push(setTimeout(() => signalGroup(pgid, 'SIGKILL'), options.killGraceMs ?? KILL_GRACE_MS));
    };
    const onAbort = () => stop();
    const finish = (end: CheckEnd) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
      if (pgid !== undefined) running.delete(pgid);
      if (options.signal?.aborted) reject(options.signal.reason);
      else resolve({ end, stderr: tail.text() });
    };
    timers.push(
      setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs),
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.signal?.aborted) stop();
    child.stderr.on('data', (chunk: Buffer) => tail.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ENOENT' ? { kind: 'not-found' } : { kind: 'cannot-start', code: error.code ?? 'EIO' });
    });
    child.on('exit', (code, signal) => {
      exit = timedOut ? { kind: 'timed-out' } : signal ? { kind: 'signaled', signal } : { kind: 'exited', code: code ?? 0 };
      if (pgid !== undefined) signalGroup(pgid, 'SIGKILL');
      const drain = setTimeout(() => child.stderr.destroy(), DRAIN_MS);
      child.stderr.once('close', () => clearTimeout(drain));
    });
    child.on('close', () => {
      if (exit) finish(exit);
    });
  });
