import { stat } from 'node:fs/promises';

/** Identity of a set of files (inode, size, mtime), to notice any change without reading them. */
export async function fingerprintFiles(paths: readonly string[]): Promise<string> {
  const parts = await Promise.all(
    paths.map(async (p) => {
      try {
        const s = await stat(p);
        return `${p}:${s.ino}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${p}:-`;
      }
    }),
  );
  return parts.join('\n');
}
