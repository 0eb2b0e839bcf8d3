// One `ssm-render render` as a real process, and, when asked, a signal sent to it at a random point:
// `commit` waits for its first temp file beside the destinations (inotify), then `delayMs`;
// `rename` fires as the first temp file is renamed over its destination (between two renames);
// `start` counts `delayMs` from the spawn (the fetch, the render or the commit).
import { spawn } from 'node:child_process';
import { watch } from 'node:fs';
import { DESTINATIONS, leftovers } from './workspace.mjs';

const TEMP = /\.ssm-render-[^/]*\.tmp$/;

/**
 * Runs the bundle in `cwd` with `env`; resolves { code, signal, output, sent, landed } where `sent`
 * is the signal delivered (undefined if none was, or the process had already gone) and `landed`
 * says where it fell: `mid-commit` (a temp file existed) or `outside-commit`.
 */
export function render({ bundle, cwd, env, out, kill, timeoutMs = 60_000 }) {
  const child = spawn(process.execPath, [bundle, 'render'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = false;
  let sent;
  let landed;
  let watcher;
  const fire = () => {
    if (exited || sent) return;
    landed = leftovers(out).some((n) => TEMP.test(n)) ? 'mid-commit' : 'outside-commit';
    if (child.kill(kill.signal)) sent = kill.signal;
  };
  if (kill?.trigger === 'start') setTimeout(fire, kill.delayMs);
  if (kill?.trigger === 'commit' || kill?.trigger === 'rename') {
    const wanted = kill.trigger === 'commit' ? (event, name) => TEMP.test(name) : (event, name) => event === 'rename' && DESTINATIONS.includes(name);
    watcher = watch(out, (event, name) => {
      if (!name || !wanted(event, String(name)) || watcher === undefined) return;
      watcher.close();
      watcher = undefined;
      if (kill.delayMs === 0) fire();
      else setTimeout(fire, kill.delayMs);
    });
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => {
    child.on('exit', () => (exited = true));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      watcher?.close();
      resolve({ code, signal, output, sent, landed: sent ? landed : undefined, hung: signal === 'SIGKILL' && sent === undefined });
    });
  });
}
