import { basename, dirname, join } from 'node:path';
import { commitFiles } from './commit';
import { nodeFs, type CommitFs } from './fs';

/**
 * What `render --reuse-within` remembers of a good render, one small file beside each destination:
 * when, which file (its inode and mtime, to tell it was not replaced or edited since) and for which
 * config (an identity the caller derives from names and paths). Never a value, nor a hash of one:
 * a hash of a short secret can be brute-forced.
 */
export interface RenderRecord {
  readonly renderedAt: number;
  readonly destination: string;
  readonly ino: number;
  readonly mtimeMs: number;
  readonly config: string;
}

const VERSION = 1;

/** `.NAME.ssm-render-state` beside `NAME`: a dotfile, so that globs over the directory skip it. */
export const recordPath = (destination: string): string => join(dirname(destination), `.${basename(destination)}.ssm-render-state`);

/** Record a render of `destinations` at `renderedAt`, each record committed atomically as the files are (temp, fsync, rename, fsync the directory). */
export async function writeRenderRecords(
  destinations: readonly string[],
  renderedAt: number,
  config: string,
  options: { fs?: CommitFs | undefined; signal?: AbortSignal | undefined } = {},
): Promise<void> {
  const fs = options.fs ?? nodeFs;
  const files = await Promise.all(
    destinations.map(async (destination) => {
      const info = await fs.lstat(destination);
      const record = { v: VERSION, renderedAt: new Date(renderedAt).toISOString(), destination, ino: info.ino, mtimeMs: info.mtimeMs, config };
      return { destination: recordPath(destination), content: Buffer.from(`${JSON.stringify(record)}\n`), mode: 0o600 };
    }),
  );
  await commitFiles(files, { fs, signal: options.signal });
}

/** The record beside `destination`, or why there is none usable: missing, unreadable, or not one of ours. */
export async function readRenderRecord(destination: string, fs: CommitFs = nodeFs): Promise<RenderRecord | { readonly missing: string }> {
  let text: string;
  try {
    text = (await fs.readFile(recordPath(destination))).toString('utf8');
  } catch (error) {
    return { missing: `no record of a render (${(error as NodeJS.ErrnoException).code ?? 'unreadable'}: ${recordPath(destination)})` };
  }
  try {
    const raw = JSON.parse(text) as Record<string, unknown>;
    const renderedAt = typeof raw['renderedAt'] === 'string' ? Date.parse(raw['renderedAt']) : NaN;
    const { ino, mtimeMs, config } = raw;
    if (
      raw['v'] === VERSION &&
      Number.isFinite(renderedAt) &&
      raw['destination'] === destination &&
      typeof ino === 'number' &&
      typeof mtimeMs === 'number' &&
      typeof config === 'string'
    ) {
      return { renderedAt, destination, ino, mtimeMs, config };
    }
  } catch {
    // fall through: not a record this version wrote
  }
  return { missing: `an unreadable record of a render (${recordPath(destination)})` };
}
