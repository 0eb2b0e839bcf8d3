import { exitStatus } from '../notify/child';

/**
 * The signals a process manager, a terminal or `timeout` may send to end a process. Each one stops
 * ssm-render cleanly (temp files removed, the ready file gone) instead of Node's default of dying
 * on the spot. SIGHUP has a meaning of its own in `watch` (render now); SIGUSR1 does nothing (see
 * inspector-guard.ts); SIGPIPE is ignored, as Node does by default.
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGUSR2', 'SIGALRM'];

/**
 * For a one-shot command: each of `signals` runs `cleanup`, then ends the process with 128 + the
 * signal's number, as a shell reports a process the signal killed. Returns the unsubscribe.
 */
export function exitOnSignals(signals: readonly NodeJS.Signals[], cleanup: (signal: NodeJS.Signals) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    try {
      cleanup(signal);
    } finally {
      process.exit(exitStatus({ code: null, signal }));
    }
  };
  for (const signal of signals) process.on(signal, handler);
  return () => signals.forEach((signal) => process.off(signal, handler));
}
