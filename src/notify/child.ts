import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { groupAlive, signalGroup } from './process-group';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why the program could not be started at all (ENOENT, EACCES, ...). */
  readonly startError?: string;
}

/** The exit status a wrapper reports for its child: its code, or 128 + the signal that killed it. */
export function exitStatus(exit: ChildExit): number {
  if (exit.code !== null) return exit.code;
  return 128 + (exit.signal ? (constants.signals[exit.signal] ?? 0) : 0);
}

const POLL_MS = 25;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The app under `exec`, in a process group of its own (a new session), so that a signal reaches
 * everything it started, and a stop leaves nothing of it running: SIGTERM -> timeout -> SIGKILL,
 * for the child and for whatever it left behind in its group.
 */
export class Child {
  readonly exited: Promise<ChildExit>;
  private readonly process: ChildProcess;
  private done = false;

  constructor(argv: readonly string[], env: NodeJS.ProcessEnv) {
    const [program, ...args] = argv as [string, ...string[]];
    this.process = spawn(program, args, { env, stdio: 'inherit', detached: true });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
      this.process.on('error', (error: NodeJS.ErrnoException) => {
        this.done = true;
        // 127, as a shell says for a command it cannot find; 126 for one it cannot run.
        resolve({ code: error.code === 'ENOENT' ? 127 : 126, signal: null, startError: error.code ?? error.name });
      });
    });
  }

  /** Undefined when the program could not be started. */
  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  /** Send `signal` to the child's whole process group. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.process.pid;
    if (pid === undefined) return;
    if (!signalGroup(pid, signal) && !this.done) this.process.kill(signal);
  }

  /**
   * `signal` (SIGTERM) to the group; SIGKILL to whatever of it still runs after `killTimeoutMs`.
   * Resolves with the child's exit once the group is empty or killed.
   */
  async stop(killTimeoutMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<ChildExit> {
    const deadline = performance.now() + killTimeoutMs;
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), killTimeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    await this.drain(deadline);
    return exit;
  }

  /** After the child ended on its own: stop what it left running in its group. */
  async stopLeftovers(killTimeoutMs: number): Promise<void> {
    const pid = this.process.pid;
    if (pid === undefined || !groupAlive(pid)) return;
    signalGroup(pid, 'SIGTERM');
    await this.drain(performance.now() + killTimeoutMs);
  }

  /** Wait for the group to empty until `deadline`, then SIGKILL what is left. */
  private async drain(deadline: number): Promise<void> {
    const pid = this.process.pid;
    if (pid === undefined) return;
    while (groupAlive(pid)) {
      if (performance.now() >= deadline) {
        signalGroup(pid, 'SIGKILL');
        return;
      }
      await sleep(POLL_MS);
    }
  }
}
