import { dotenvFormat } from './dotenv';
import { jsonFormat } from './json';
import { propertiesFormat } from './properties';
import { shellFormat } from './shell';
import type { DotenvDialect, Format, FormatName } from './types';
import { yamlFormat } from './yaml';

export { Unrepresentable } from './types';
export type { DotenvDialect, Entry, Format, FormatName } from './types';

const DIALECTS: readonly DotenvDialect[] = ['portable', 'node', 'python', 'literal'];

/** The built-in format called `name`; `dialect` chooses which readers a `.env` file is for. */
export function getFormat(name: FormatName, options: { dialect?: DotenvDialect } = {}): Format {
  const dialect = options.dialect ?? 'portable';
  if (!DIALECTS.includes(dialect)) {
    throw new TypeError(`Expected \`dialect\` to be one of ${DIALECTS.join(', ')}, got \`${String(dialect)}\``);
  }
  switch (name) {
    case 'dotenv':
      return dotenvFormat(dialect);
    case 'shell':
      return shellFormat;
    case 'yaml':
      return yamlFormat;
    case 'json':
      return jsonFormat;
    case 'properties':
      return propertiesFormat;
    default:
      throw new TypeError(`Expected a format name (dotenv, shell, yaml, json, properties), got \`${String(name)}\``);
  }
}
