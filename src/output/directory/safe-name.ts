/** The file in a `format: files` directory that lists the names ssm-render wrote there. */
export const MANIFEST_NAME = '.ssm-render-manifest.json';

/** Every name ssm-render keeps for itself carries this mark: the manifest, the lock (`.ssm-render.lock`), temp files. */
const OWN_MARK = '.ssm-render';
const MAX_SEGMENT_BYTES = 255;

/**
 * Why `name` (a path relative to a `format: files` directory, `/` between sub-directories) cannot
 * be a file there, or undefined when it can. It never leaves the directory and never takes a name
 * the commit keeps for itself (the manifest, the lock, temp files, `..data` and `..<timestamp>`).
 * The reason never quotes the name's bytes beyond what the key already shows.
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name === '') return 'its file name would be empty (a key equal to its `include:` prefix has no name below it)';
  if (name.includes('\0')) return 'it holds a NUL byte';
  if (name.startsWith('/')) return 'it starts with `/`';
  for (const segment of name.split('/')) {
    if (segment === '') return 'it has an empty path segment (`//` or a trailing `/`)';
    if (segment === '.' || segment === '..') return `it has a \`${segment}\` segment, which would leave or alias the directory`;
    if (segment.startsWith('..')) return 'a segment starts with `..`, which `commit: snapshot` keeps for `..data` and its snapshot directories';
    if (segment.includes(OWN_MARK)) return `a segment holds \`${OWN_MARK}\`, which ssm-render keeps for its manifest, lock and temp files`;
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) return `a segment is longer than ${MAX_SEGMENT_BYTES} bytes, the limit of a file name`;
  }
  return undefined;
}
