import { fileURLToPath } from 'node:url';
import { run } from './tools';

const SCRIPT = fileURLToPath(new URL('./python-read.py', import.meta.url));

/**
 * Reads files with Debian's python3 (never a pyenv one) in an empty environment, so python-dotenv's
 * `${...}` expansion sees no variables: `dotenv` = python-dotenv `dotenv_values(path)` with
 * interpolation, `yaml` = PyYAML `safe_load`, `json` = `json.loads`.
 */
export function readWithPython(mode: 'dotenv' | 'yaml' | 'json', paths: readonly string[]): unknown[] {
  const out = run('/usr/bin/python3', [SCRIPT, mode, ...paths]).toString('utf8');
  return JSON.parse(out) as unknown[];
}

export function readPythonDotenv(path: string): Record<string, string | null> {
  return readWithPython('dotenv', [path])[0] as Record<string, string | null>;
}
