// No imports, on purpose: config/ validates these names and `--help` prints them without loading any format's code.

/** What the rest of ssm-render knows of a built-in format before it writes anything. */
interface FormatFacts {
  /** File extensions whose values are escaped for this format (`app.env`, `config.yml`), lower case. */
  readonly extensions: readonly string[];
  /** Whole file names that are this format whatever their extension (`.env`, `.env.production`). */
  readonly fileNames?: RegExp;
  /** The `dialect:` choices, the default first; a format without them has one way of writing. */
  readonly dialects?: readonly [string, ...string[]];
}

/**
 * The built-in formats, one row each. A row's name is the config's `format:` and `escape:`, the
 * `--format` flag and the template helper `{{name X}}`. Its writer is a file of this folder, listed
 * in `WRITERS` (index.ts), which the compiler asks for once the row is here.
 */
export const FORMATS = {
  dotenv: { extensions: ['.env'], fileNames: /^\.env(?:\..*)?$/, dialects: ['portable', 'node', 'python', 'literal'] },
  shell: { extensions: ['.sh', '.bash'] },
  yaml: { extensions: ['.yaml', '.yml'] },
  json: { extensions: ['.json'] },
  properties: { extensions: ['.properties'] },
} as const satisfies Record<string, FormatFacts>;

export type FormatName = keyof typeof FORMATS;

/**
 * Formats whose destination is a directory, not one file: they write no document, so they have no
 * escaping, no `--format` and no helper; only the config's `format:` takes them. Each row says
 * what the format writes (the README's "Built-in formats" table holds the same row).
 */
export const DIRECTORY_FORMATS = {
  files: { writes: 'one file per included key, named by the key below its `include:` prefix, the bytes exact (`decode: base64` for binary)' },
} as const satisfies Record<string, { readonly writes: string }>;

export type DirectoryFormatName = keyof typeof DIRECTORY_FORMATS;
export const DIRECTORY_FORMAT_NAMES = Object.keys(DIRECTORY_FORMATS) as [DirectoryFormatName, ...DirectoryFormatName[]];
/** What a template's `format:` takes: a one-file format or a directory format. */
export const TEMPLATE_FORMAT_NAMES = [...(Object.keys(FORMATS) as FormatName[]), ...DIRECTORY_FORMAT_NAMES] as [
  FormatName | DirectoryFormatName,
  ...(FormatName | DirectoryFormatName)[],
];
export const isDirectoryFormat = (name: string | undefined): name is DirectoryFormatName => name !== undefined && Object.hasOwn(DIRECTORY_FORMATS, name);

/** The dialects of format `N` (never, for a format without them). */
export type DialectOf<N extends FormatName> = (typeof FORMATS)[N] extends { readonly dialects: readonly (infer D)[] } ? D : never;
/** Every format's dialects (only dotenv has them today). */
export type DialectName = { [N in FormatName]: DialectOf<N> }[FormatName];

export const facts = (name: FormatName): FormatFacts => FORMATS[name];

export const FORMAT_NAMES = Object.keys(FORMATS) as [FormatName, ...FormatName[]];
export const DIALECTS = FORMAT_NAMES.flatMap((name) => facts(name).dialects ?? []) as [DialectName, ...DialectName[]];

/** The format a file name (no directory) is written in, by its whole name or its extension; the first row that matches. */
export function formatOfFileName(name: string): FormatName | undefined {
  const lower = name.toLowerCase();
  return FORMAT_NAMES.find((format) => facts(format).fileNames?.test(name) || facts(format).extensions.some((ext) => lower.endsWith(ext) && lower !== ext));
}
