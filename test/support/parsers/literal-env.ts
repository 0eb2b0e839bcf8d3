import { run } from './tools';

// Go's bufio.Scanner default buffer is 64 KiB: a line plus its newline must fit, or scanning stops.
const MAX_LINE_BYTES = 64 * 1024 - 1;

/**
 * Reads a literal env file the way docker --env-file (docker/cli opts/file.go), kubectl
 * --from-env-file (kubectl/pkg/cmd/util/env_file.go) and ECS environmentFiles (amazon-ecs-agent
 * envFiles/envfile.go) all do: lines split on LF with one trailing CR dropped (bufio.ScanLines);
 * blank and `#` lines skipped; the key is what precedes the first `=` and the value everything
 * after it, untouched. ECS also skips a line whose value is empty, so this does too.
 */
export function readLiteralEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const raw of lines) {
    if (Buffer.byteLength(raw) > MAX_LINE_BYTES) throw new Error('bufio.Scanner: token too long');
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trimStart() === '' || line.trimStart().startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at <= 0 || at === line.length - 1) continue;
    env[line.slice(0, at)] = line.slice(at + 1);
  }
  return env;
}

/** kubectl's own reader: `kubectl create configmap --from-env-file`, client-side only. */
export function readWithKubectl(path: string): Record<string, string> {
  const out = run('kubectl', ['create', 'configmap', 'read', `--from-env-file=${path}`, '--dry-run=client', '-o', 'json'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/nonexistent' },
  });
  return (JSON.parse(out.toString('utf8')) as { data?: Record<string, string> }).data ?? {};
}
