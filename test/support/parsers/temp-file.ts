import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string | undefined;
let count = 0;

/** Writes `content` as UTF-8 to a fresh file under this process's temp directory. */
export function tempFile(content: string, suffix = ''): string {
  dir ??= mkdtempSync(join(tmpdir(), 'ssm-render-formats-'));
  const path = join(dir, `f${++count}${suffix}`);
  writeFileSync(path, content, 'utf8');
  return path;
}

export function removeTempFiles(): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
