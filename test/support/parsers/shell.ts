import { run } from './tools';

/**
 * Sources `path` with `set -a; . path` in `shell` (bash or dash) and returns the value of each of
 * `names`, printed with printf '%s\0' so trailing newlines survive.
 */
export function readWithShell(shell: 'bash' | 'dash', path: string, names: readonly string[]): string[] {
  const script = 'set -a; . "$0" || exit 9; for __n in "$@"; do eval "printf \'%s\\0\' \\"\\${$__n}\\""; done';
  const out = run(shell, ['-c', script, path, ...names], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } });
  return splitNul(out.toString('utf8'));
}

function splitNul(out: string): string[] {
  const values = out.split('\0');
  values.pop();
  return values;
}
