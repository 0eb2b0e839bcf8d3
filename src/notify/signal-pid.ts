import { readFile } from 'node:fs/promises';

/** Send `signal` to the pid written in `pidFile`; an error message (naming the file) when it cannot. */
export async function signalPidFile(pidFile: string, signal: NodeJS.Signals): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(pidFile, 'utf8');
  } catch (error) {
    return `cannot read pid file ${pidFile} (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 1) return `pid file ${pidFile} does not hold a process id`;
  try {
    process.kill(pid, signal);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `cannot send ${signal} to pid ${pid} from ${pidFile} (${code ?? 'error'}${code === 'ESRCH' ? ': no such process; with Kubernetes, set shareProcessNamespace: true' : ''})`;
  }
}
