import { constants } from 'node:fs';
import { join } from 'node:path';
import type { CommitFs } from '../fs';
import { MANIFEST_NAME, unsafeNameReason } from './safe-name';

/** What a directory's manifest says ssm-render wrote there, or why it is not believed. */
export type ManifestRead = { readonly names: readonly string[] } | { readonly ignored: string };

const MAX_BYTES = 4 << 20;

/** The manifest's bytes for these names: JSON, names only (never a value), sorted. */
export function manifestContent(names: Iterable<string>): Buffer {
  return Buffer.from(`${JSON.stringify({ version: 1, files: [...new Set(names)].sort() }, null, 2)}\n`);
}

/** The names of a manifest's text; undefined when it is not one. Names that are not safe are dropped: they were never ours. */
export function parseManifest(text: string): string[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { version, files } = parsed as { version?: unknown; files?: unknown };
  if (version !== 1 || !Array.isArray(files)) return undefined;
  return files.filter((n): n is string => typeof n === 'string' && unsafeNameReason(n) === undefined);
}

/**
 * Read the manifest in the directory reached through `dir` (a verified path). Nothing there: no
 * names. A manifest that is not a regular file, belongs to someone the files would not, is too
 * large or is not ours in shape is ignored, with the reason: the commit then removes nothing.
 */
export async function readManifest(fs: CommitFs, dir: string | undefined, owners: ReadonlySet<number>): Promise<ManifestRead> {
  if (dir === undefined) return { names: [] };
  let handle;
  try {
    handle = await fs.open(join(dir, MANIFEST_NAME), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { names: [] };
    return { ignored: code === 'ELOOP' ? 'it is a symlink' : `it cannot be read (${code ?? 'error'})` };
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) return { ignored: 'it is not a regular file' };
    if (!owners.has(info.uid)) return { ignored: `it belongs to uid ${info.uid}, not to the files' owner` };
    if (info.size > MAX_BYTES) return { ignored: 'it is too large to be ours' };
    const names = parseManifest(await handle.readFile('utf8'));
    return names === undefined ? { ignored: 'it is not a manifest ssm-render wrote (corrupt or edited)' } : { names };
  } catch (error) {
    return { ignored: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}
