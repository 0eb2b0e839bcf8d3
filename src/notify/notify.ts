import type { OnChangeConfig } from '../config/config';
import type { Logger } from '../log';
import type { LoopMetrics } from '../metrics';
import { runCommand } from './run-command';
import { signalPidFile } from './signal-pid';
import { touchFile } from './touch';

/** The variable that tells `on_change.command` which destinations changed, `:`-separated like PATH. */
const CHANGED_VARIABLE = 'SSM_RENDER_CHANGED';

/**
 * Tell the app that files changed: the command, the signal and the touch that are configured, in
 * that order. A failure is logged and counted; it never stops the loop.
 */
export async function notifyChange(onChange: OnChangeConfig, written: readonly string[], log: Logger, metrics: LoopMetrics): Promise<void> {
  if (onChange.command) {
    const started = performance.now();
    const outcome = await runCommand(onChange.command, { ...process.env, [CHANGED_VARIABLE]: written.join(':') }, onChange.timeoutMs);
    metrics.notification('command', outcome.result);
    const fields = { notify: 'command', program: onChange.command[0], durationMs: Math.round(performance.now() - started) };
    if (outcome.result === 'ok') log.info(fields, 'on_change command succeeded');
    else if (outcome.result === 'timeout') log.warn({ ...fields, timeoutMs: onChange.timeoutMs }, 'on_change command timed out and was killed');
    else log.warn(fields, `on_change command failed: ${outcome.detail}`);
  }
  if (onChange.signal && onChange.pidFile) {
    const problem = await signalPidFile(onChange.pidFile, onChange.signal);
    metrics.notification('signal', problem ? 'failed' : 'ok');
    if (problem) log.warn({ notify: 'signal' }, `on_change signal failed: ${problem}`);
    else log.info({ notify: 'signal', signal: onChange.signal, pidFile: onChange.pidFile }, 'on_change signal sent');
  }
  if (onChange.touch) {
    const problem = await touchFile(onChange.touch);
    metrics.notification('touch', problem ? 'failed' : 'ok');
    if (problem) log.warn({ notify: 'touch' }, `on_change touch failed: ${problem}`);
  }
}
