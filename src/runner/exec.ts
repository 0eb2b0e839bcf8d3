import { constants } from 'node:os';
import type { ExecConfig, OnChangeConfig } from '../config/config';
import type { DataSet } from '../data/dataset';
import type { Logger } from '../log';
import { Child, exitStatus, type ChildExit } from '../notify/child';
import { notifyChange } from '../notify/notify';
import { firstRender, watchLoop, type LoopDeps } from './watch-loop';

export interface ExecOptions {
  readonly argv: readonly string[];
  /** Also give the child every parameter as an environment variable (chamber-style names). */
  readonly withEnv: boolean;
  readonly exec: ExecConfig;
  readonly onChange: OnChangeConfig;
  readonly waitMs: number;
  readonly stop: AbortController;
  /** Subscribe to the signals the process receives; returns the unsubscribe. */
  readonly onSignal: (handler: (signal: NodeJS.Signals) => void) => () => void;
  readonly afterCycle?: () => Promise<void>;
}

/** Signals that stop the child (escalating to SIGKILL) and end the run; the rest are only forwarded. */
const STOPPING = new Set<NodeJS.Signals>(['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGALRM']);

function childEnv(withEnv: boolean, data: DataSet): NodeJS.ProcessEnv {
  if (!withEnv) return process.env;
  const env: NodeJS.ProcessEnv = { ...process.env };
  data.named.forEach(({ envName, value }) => (env[envName] = value));
  return env;
}

/**
 * The status of a run we were asked to stop with `signal`: 0 when the child ended as a stopped
 * process does (exit 0, killed by that signal, or exit 128 + it, as the JVM and many shells
 * report it); otherwise its own status, so a failed shutdown or a SIGKILL after the timeout shows.
 */
function stoppedStatus(exit: ChildExit, signal: NodeJS.Signals): number {
  const status = exitStatus(exit);
  return status === 0 || exit.signal === signal || status === 128 + (constants.signals[signal] ?? 0) ? 0 : status;
}

/** One line a person can act on when CMD could not be started. */
function reportStartError(log: Logger, program: string, exit: ChildExit): void {
  const where = program.includes('/') ? `\`${program}\` does not exist` : `\`${program}\` not found on PATH`;
  if (exit.startError === 'ENOENT') {
    log.error(
      {
        code: 'COMMAND_NOT_FOUND',
        exitCode: 127,
        hint: program.includes('/') ? 'check the path after `--`' : `check the name, or give its full path; PATH is ${process.env['PATH'] ?? '(unset)'}`,
      },
      `Cannot start the child: ${where}`,
    );
  } else {
    const why = exit.startError === 'EACCES' ? 'permission denied' : exit.startError;
    log.error(
      { code: 'COMMAND_NOT_RUNNABLE', exitCode: 126, hint: `check that \`${program}\` is an executable file (chmod +x) that this user may run` },
      `Cannot start the child \`${program}\`: ${why}`,
    );
  }
}

/**
 * Render, start the app as a child, keep the files fresh, and on change send the reload signal or
 * restart the child. Signals are forwarded to its process group; the run ends when the child does,
 * with its status, or with 0 when a signal to us stopped it cleanly.
 */
export async function runExec(deps: LoopDeps, options: ExecOptions): Promise<number> {
  const { log } = deps;
  const first = await firstRender(deps, options.waitMs);
  if (first === undefined) return 0;
  await options.afterCycle?.();
  if (process.pid === 1) {
    log.warn(
      { hint: 'run it under an init: `docker run --init`, tini, ECS initProcessEnabled, or Kubernetes shareProcessNamespace' },
      'running as PID 1: processes orphaned by the child will not be reaped (zombies)',
    );
  }

  const program = options.argv[0] as string;
  let child = new Child(options.argv, childEnv(options.withEnv, first.data));
  let restarting = false;
  let stoppedBy: NodeJS.Signals | undefined;
  let finish: (exit: ChildExit) => void = () => undefined;
  const finished = new Promise<ChildExit>((resolve) => (finish = resolve));
  const follow = (c: Child) => void c.exited.then((exit) => c === child && !restarting && finish(exit));
  follow(child);
  if (child.pid !== undefined) log.info({ childPid: child.pid, program }, 'child started');

  const unsubscribe = options.onSignal((signal) => {
    // A second stop signal is only passed on: the first one's timeout still runs.
    if (!STOPPING.has(signal) || stoppedBy !== undefined) return child.signal(signal);
    stoppedBy = signal;
    log.info({ signal, childPid: child.pid }, 'stopping the child');
    options.stop.abort();
    void child.stop(options.exec.killTimeoutMs, signal);
  });

  const onChange = async (written: readonly string[], data: DataSet) => {
    if (options.exec.onChange === 'restart' && !options.stop.signal.aborted) {
      restarting = true;
      const old = await child.stop(options.exec.killTimeoutMs);
      child = new Child(options.argv, childEnv(options.withEnv, data));
      restarting = false;
      follow(child);
      deps.metrics.notification('restart', 'ok');
      log.info({ childPid: child.pid, previousExit: exitStatus(old) }, 'child restarted with the new values');
    } else if (options.exec.onChange === 'signal') {
      child.signal(options.exec.reloadSignal);
      deps.metrics.notification('reload', 'ok');
      log.info({ childPid: child.pid, signal: options.exec.reloadSignal }, 'reload signal sent to the child');
    }
    await notifyChange(options.onChange, written, log, deps.metrics);
  };

  const loop = watchLoop(deps, onChange, Infinity, options.afterCycle);
  const exit = await finished;
  options.stop.abort();
  // Whatever the child left running in its group goes with it.
  await child.stopLeftovers(options.exec.killTimeoutMs);
  unsubscribe();
  await loop;
  if (exit.startError) {
    reportStartError(log, program, exit);
    return exitStatus(exit);
  }
  const status = stoppedBy === undefined ? exitStatus(exit) : stoppedStatus(exit, stoppedBy);
  log.info({ exitCode: exit.code, signal: exit.signal, stoppedBy, status }, 'child exited');
  return status;
}
