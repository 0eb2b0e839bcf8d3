import { DIALECTS, facts, FORMAT_NAMES, FORMATS, type DialectName, type DialectOf, type FormatName } from './catalog';
import { dotenvFormat } from './dotenv';
import { jsonFormat } from './json';
import { propertiesFormat } from './properties';
import { shellFormat } from './shell';
import type { Format } from './types';
import { yamlFormat } from './yaml';

export { Unrepresentable } from './types';
export type { DotenvDialect, Entry, Format } from './types';
export { DIALECTS, FORMAT_NAMES, type DialectName, type FormatName } from './catalog';

/** The writer of each row of the catalog; one with dialects is given the dialect asked for. */
const WRITERS: { readonly [N in FormatName]: (dialect: DialectOf<N>) => Format } = {
  dotenv: dotenvFormat,
  shell: () => shellFormat,
  yaml: () => yamlFormat,
  json: () => jsonFormat,
  properties: () => propertiesFormat,
};

/** The built-in format called `name`; `dialect` chooses which readers a `.env` file is for. */
export function getFormat(name: FormatName, options: { dialect?: DialectName } = {}): Format {
  const { dialect } = options;
  if (!Object.hasOwn(FORMATS, name)) {
    throw new TypeError(`Expected a format name (${FORMAT_NAMES.join(', ')}), got \`${String(name)}\``);
  }
  if (dialect !== undefined && !DIALECTS.includes(dialect)) {
    throw new TypeError(`Expected \`dialect\` to be one of ${DIALECTS.join(', ')}, got \`${String(dialect)}\``);
  }
  // A format is written in the dialect asked for when it is one of its own, else in its first.
  const own = facts(name).dialects;
  const chosen = dialect !== undefined && own?.includes(dialect) ? dialect : own?.[0];
  return (WRITERS[name] as (dialect: string | undefined) => Format)(chosen);
}
