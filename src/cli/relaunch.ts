import type { World } from './world';

/**
 * Node flags for a process that lives for weeks (`watch`): V8's lite mode compiles no optimised code
 * and so keeps a smaller heap and fewer compiler buffers, for more CPU a refresh, which an interval of
 * seconds or minutes hides; a one-shot render keeps full speed. `--no-expose-wasm` says outright what
 * lite mode implies (nothing here runs WebAssembly); without it V8 prints a warning on every start.
 * bench/RESULTS.md has what each costs and saves.
 */
export const LONG_LIVED_NODE_FLAGS = ['--lite-mode', '--no-expose-wasm'] as const;

/** What `relauncher` needs of the process (Node's `process`, or a test's stand-in). */
export interface NodeProcess {
  readonly execPath: string;
  readonly execArgv: readonly string[];
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Node 22.15 and later (23.11 on 23): replaces the process image, same pid. */
  readonly execve?: ((file: string, args: readonly string[], env: NodeJS.ProcessEnv) => never) | undefined;
}

/** A node flag's name, `--no-` and `_`/`-` spellings folded: `--no-lite_mode` -> `lite-mode`. */
const flagName = (flag: string) =>
  flag
    .replace(/=.*$/, '')
    .replace(/^--(no-)?/, '')
    .replaceAll('_', '-');

/**
 * World's `relaunch`: starts this very program again in place of this process (same pid, so a
 * container's PID 1 and a supervisor's child stay what they were; same arguments, environment and
 * open descriptors) with node flags added, unless node's command line already sets any of them,
 * either way (`node --no-lite-mode ...` keeps the full compiler). Undefined where node cannot
 * (before 22.15).
 */
export function relauncher(proc: NodeProcess): World['relaunch'] {
  const execve = proc.execve;
  if (typeof execve !== 'function') return undefined;
  return (flags) => {
    const set = new Set(proc.execArgv.map(flagName));
    if (flags.some((f) => set.has(flagName(f)))) return; // chosen on node's command line: left to the user
    execve.call(proc, proc.execPath, [proc.execPath, ...flags, ...proc.execArgv, ...proc.argv.slice(1)], proc.env);
  };
}
