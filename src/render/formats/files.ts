import { RenderError } from '../../errors';
import { decodeBase64, InvalidBase64 } from './base64';
import type { Entry } from './types';

/** How a `decode:` key's value becomes bytes. */
export type Decoding = 'base64';

/** One file of a `format: files` directory: its name below the directory and its exact bytes. */
export interface NamedFile {
  /** The key it comes from, as messages name it. */
  readonly key: string;
  /** The key relative to its `include:` prefix; `/` separates sub-directories. */
  readonly name: string;
  readonly content: Buffer;
}

export interface FilesTemplate {
  readonly destination: string;
  readonly include: readonly string[] | undefined;
  readonly decode: ReadonlyMap<string, Decoding>;
}

/** The longest `include:` prefix the key is under, as a `PREFIX/` to strip ('' without include). */
function prefixOf(key: string, include: readonly string[] | undefined): string | undefined {
  if (include === undefined) return '';
  let best: string | undefined;
  for (const p of include) {
    const dir = p.endsWith('/') ? p : `${p}/`;
    const under = key === p || key === dir.slice(0, -1) || key.startsWith(dir);
    if (under && (best === undefined || dir.length > best.length)) best = dir;
  }
  return best;
}

function bytesOf(t: FilesTemplate, entry: Entry): Buffer {
  if (t.decode.get(entry.key) !== 'base64') return Buffer.from(entry.value, 'utf8');
  try {
    return decodeBase64(entry.value);
  } catch (error) {
    if (!(error instanceof InvalidBase64)) throw error;
    throw new RenderError(`The value of \`${entry.key}\` is not valid base64 (\`decode: base64\` for ${t.destination}): ${error.reason}`, {
      hint: 'store it as standard padded base64 on one line, e.g. `base64 -w0 keystore.jks`, or drop the key from `decode:`',
    });
  }
}

/**
 * `format: files`: one file per included key, named by the key relative to its `include:` prefix,
 * holding the value's bytes exactly (decoded for the keys in `decode:`). Whether each name is safe
 * to create is the commit's decision (output/directory/safe-name.ts), made before anything is written.
 */
export function filesOf(t: FilesTemplate, entries: readonly Entry[]): NamedFile[] {
  const files: NamedFile[] = [];
  for (const entry of entries) {
    const prefix = prefixOf(entry.key, t.include);
    if (prefix === undefined) continue;
    const name = entry.key.length < prefix.length ? '' : entry.key.slice(prefix.length);
    files.push({ key: entry.key, name, content: bytesOf(t, entry) });
  }
  return files;
}
