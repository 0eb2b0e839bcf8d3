/**
 * `exec --env` (no value: parameters in the child's environment) and the global `--env NAME` share a
 * name. Within exec's options, a `--env` followed by `--` or by another option is the flag; it is
 * rewritten to `--with-env` before parsing. `--env NAME` keeps choosing the environment.
 */
export function normalizeExecArgs(argv: readonly string[]): string[] {
  const end = argv.indexOf('--') === -1 ? argv.length : argv.indexOf('--');
  const at = argv.indexOf('exec');
  if (at === -1 || at > end) return [...argv];
  return argv.map((token, i) => {
    const next = argv[i + 1];
    return i > at && i < end && token === '--env' && (next === undefined || next.startsWith('-')) ? '--with-env' : token;
  });
}
