import { requireWellFormed } from './refuse';

// Escaped inside "...": \ and ", every C0 control, DEL and C1 (NEL is a line break in YAML 1.1),
// U+2028/U+2029 (line breaks in YAML 1.1), U+FEFF (a BOM), U+FFFE/U+FFFF (outside the printable
// set). Everything else is printable in both YAML 1.1 and 1.2 and written as is.
// eslint-disable-next-line no-control-regex -- control characters are what this matches
const MUST_ESCAPE = /[\\"\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]/g;

const NAMED: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

function escape(char: string): string {
  const code = char.charCodeAt(0);
  const hex = code.toString(16).toUpperCase();
  return NAMED[char] ?? (code <= 0xff ? `\\x${hex.padStart(2, '0')}` : `\\u${hex.padStart(4, '0')}`);
}

/** A YAML double-quoted scalar read back unchanged by YAML 1.1 (PyYAML) and 1.2 (`yaml`) parsers. */
export function yamlScalar(value: string): string {
  requireWellFormed(value);
  return `"${value.replace(MUST_ESCAPE, escape)}"`;
}
