import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** The exit status a wrapper reports for its child: its code, or 128 + the signal that killed it. */
export function exitStatus(exit: ChildExit): number {
  if (exit.code !== null) return exit.code;
  return 128 + (exit.signal ? (constants.signals[exit.signal] ?? 0) : 0);
}

/** The app under `exec`: started, signalled, and stopped with SIGTERM -> timeout -> SIGKILL. */
export class Child {
  readonly exited: Promise<ChildExit>;
  private readonly process: ChildProcess;
  private done = false;

  constructor(argv: readonly string[], env: NodeJS.ProcessEnv) {
    const [program, ...args] = argv as [string, ...string[]];
    this.process = spawn(program, args, { env, stdio: 'inherit' });
    this.exited = new Promise((resolve) => {
      this.process.on('exit', (code, signal) => {
        this.done = true;
        resolve({ code, signal });
      });
      this.process.on('error', (error: NodeJS.ErrnoException) => {
        this.done = true;
        // 127, as a shell says for a command it cannot find; 126 for one it cannot run.
        resolve({ code: error.code === 'ENOENT' ? 127 : 126, signal: null });
      });
    });
  }

  get pid(): number | undefined {
    return this.process.pid;
  }

  get running(): boolean {
    return !this.done;
  }

  signal(signal: NodeJS.Signals): void {
    if (!this.done) this.process.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `killTimeoutMs`. */
  async stop(killTimeoutMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<ChildExit> {
    this.signal(signal);
    const timer = setTimeout(() => this.signal('SIGKILL'), killTimeoutMs);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}
