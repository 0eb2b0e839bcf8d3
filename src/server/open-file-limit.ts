import { readFileSync } from 'node:fs';

/**
 * The soft limit on open files of this process (`ulimit -n`, after Node raised it to the hard limit
 * at start), from /proc/self/limits; undefined where that file does not exist or says unlimited.
 */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number | undefined {
  let text: string;
  try {
    text = read();
  } catch {
    return undefined;
  }
  const soft = /^Max open files\s+(\d+)\s/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}
