import { open, utimes } from 'node:fs/promises';

/** Move `file`'s mtime to now, creating it (empty, 0640) if needed; an error message when it cannot. */
export async function touchFile(file: string): Promise<string | undefined> {
  try {
    const now = new Date();
    await (await open(file, 'a', 0o640)).close();
    await utimes(file, now, now);
    return undefined;
  } catch (error) {
    return `cannot touch ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
}
