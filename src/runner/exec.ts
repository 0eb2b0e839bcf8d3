import type { ExecConfig, OnChangeConfig } from '../config/config';
import type { DataSet } from '../data/dataset';
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
const STOPPING = new Set<NodeJS.Signals>(['SIGTERM', 'SIGINT', 'SIGQUIT']);

function childEnv(withEnv: boolean, data: DataSet): NodeJS.ProcessEnv {
  if (!withEnv) return process.env;
  const env: NodeJS.ProcessEnv = { ...process.env };
  data.named.forEach(({ envName, value }) => (env[envName] = value));
  return env;
}

/**
 * Render, start the app as a child, keep the files fresh, and on change send the reload signal or
 * restart the child. Signals are forwarded; the run ends when the child does, with its status.
 */
export async function runExec(deps: LoopDeps, options: ExecOptions): Promise<number> {
  const { log } = deps;
  const first = await firstRender(deps, options.waitMs);
  if (first === undefined) return 0;
  await options.afterCycle?.();

  let child = new Child(options.argv, childEnv(options.withEnv, first.data));
  let restarting = false;
  log.info({ childPid: child.pid, program: options.argv[0] }, 'child started');
  let finish: (exit: ChildExit) => void = () => undefined;
  const finished = new Promise<ChildExit>((resolve) => (finish = resolve));
  const follow = (c: Child) => void c.exited.then((exit) => c === child && !restarting && finish(exit));
  follow(child);

  const unsubscribe = options.onSignal((signal) => {
    if (!STOPPING.has(signal)) return child.signal(signal);
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
  unsubscribe();
  options.stop.abort();
  await loop;
  const status = exitStatus(exit);
  log.info({ exitCode: exit.code, signal: exit.signal, status }, 'child exited');
  return status;
}
