import { refuse, requireWellFormed } from './refuse';
import type { Entry, Format } from './types';

/*
 * java.util.Properties text, escaped as Properties.store does with Unicode escaping: \ = : # ! are
 * backslash-escaped, TAB LF CR FF are \t \n \r \f, every other UTF-16 unit outside printable ASCII
 * is \uXXXX (so the file is pure ASCII and reads the same through load(InputStream), which is
 * ISO-8859-1, and load(Reader)), and a space is escaped where the loader would skip it: at the
 * start of a value, anywhere in a key.
 */
const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f' };

function escape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    const code = text.charCodeAt(i);
    if (char === ' ') out += isKey || i === 0 ? '\\ ' : ' ';
    else if ('\\=:#!'.includes(char)) out += `\\${char}`;
    else if (NAMED[char] !== undefined) out += NAMED[char];
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += char;
  }
  return out;
}

function propertiesScalar(value: string): string {
  requireWellFormed(value);
  return escape(value, false);
}

/** `MYSQL/PASSWORD` -> `MYSQL.PASSWORD`; two keys that meet there are refused. */
function propertiesKeys(entries: readonly Entry[]): string[] {
  const seen = new Map<string, string>();
  return entries.map(({ key }) => {
    const name = key.replaceAll('/', '.');
    const other = seen.get(name);
    if (other !== undefined) {
      refuse(`keys ${JSON.stringify(other)} and ${JSON.stringify(key)} are both ${JSON.stringify(name)} in properties`);
    }
    seen.set(name, key);
    return name;
  });
}

/** Properties: `key=value` lines, the key path joined with dots. */
export const propertiesFormat: Format = {
  name: 'properties',
  scalar: propertiesScalar,
  document: (entries: readonly Entry[]) => {
    const keys = propertiesKeys(entries);
    return entries.map(({ value }, i) => `${escape(keys[i] ?? '', true)}=${propertiesScalar(value)}\n`).join('');
  },
};
