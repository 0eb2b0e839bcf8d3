import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { ConfigError } from '../errors';

export interface EnvFile {
  readonly file: string;
  readonly values: Readonly<Record<string, string>>;
}

/** Parse `<dir>/<name>` with the dotenv package; `undefined` when the file does not exist. */
export function readEnvFile(dir: string, name: string): EnvFile | undefined {
  const file = join(dir, name);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new ConfigError(`Cannot read \`${file}\` (${code ?? 'error'})`, { hint: 'check the file permissions', cause });
  }
  return { file: name, values: parse(text) };
}
