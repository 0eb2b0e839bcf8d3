/** A problem that stops one way of writing a dotenv value, or undefined when that way works. */
export type Problem = string | undefined;

// python-dotenv 0.21's own pattern (variables.py); it expands every match, quoted or not.
const PYTHON_VARIABLE = /\$\{[^}:]*(?::-[^}]*)?\}/;

export function hasPythonVariable(value: string): boolean {
  return PYTHON_VARIABLE.test(value);
}

// Whitespace as both parsers trim it: JavaScript's trim (npm dotenv) plus what Python's
// str.isspace adds to it (U+001C..U+001F, U+0085).
function isWhitespace(char: string): boolean {
  return char !== '' && (char.trim() === '' || '\x1c\x1d\x1e\x1f\x85'.includes(char));
}

/**
 * An unquoted value reads back unchanged through npm dotenv 18 (both parsers) and python-dotenv
 * 0.21 when it is one line, has no # (npm cuts at any #, python at whitespace + #), does not start
 * with a quote (both would parse a quoted value), and neither starts nor ends with whitespace (both
 * trim). U+2028/U+2029 count as line breaks because npm's fast parser treats them as such.
 */
export function bareProblem(value: string): Problem {
  if (value === '') return 'is empty';
  if (/[\n\r\u2028\u2029]/.test(value)) return 'spans more than one line';
  if (value.includes('#')) return 'contains #';
  if (/^['"`]/.test(value)) return 'starts with a quote';
  if (isWhitespace(value.slice(0, 1)) || isWhitespace(value.slice(-1))) return 'starts or ends with whitespace';
  return undefined;
}
