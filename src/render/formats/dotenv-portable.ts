import { bareProblem, hasPythonVariable, type Problem } from './dotenv-rules';
import { refuse } from './refuse';

/*
 * Portable: read back byte-exact by npm dotenv 18 `parse` (default and `{ fast: true }`) AND by
 * python-dotenv 0.21 `dotenv_values` (interpolate=True). The rules, from the two parsers' code:
 * - Never a `${...}` that python-dotenv expands (in every value, quoted or not; npm does not
 *   expand, so no spelling works for both).
 * - '...' when the value has no ' (neither can escape it the same way), no CR (both read a raw CR
 *   as LF), no \\ (python decodes it to \), and does not end in \ (both read \' as an escaped
 *   quote and run on into the next line).
 * - else "..." when the value has no " (npm keeps \" as two characters), does not end in \ (same
 *   run-on), and no \ is followed by \ ' " a b f n r t v, LF or CR (python decodes those pairs,
 *   npm does not). LF is written \n and CR \r, which both decode.
 * - else unquoted, when `bareProblem` finds nothing.
 * - else refuse.
 */
export function portableScalar(value: string): string {
  if (hasPythonVariable(value)) refuse('contains ${...}, which python-dotenv expands');
  const single = singleProblem(value);
  if (single === undefined) return `'${value}'`;
  const double = doubleProblem(value);
  if (double === undefined) return `"${value.replaceAll('\n', '\\n').replaceAll('\r', '\\r')}"`;
  const bare = bareProblem(value);
  if (bare === undefined) return value;
  return refuse(
    `cannot be written for both npm dotenv and python-dotenv: in single quotes it ${single}; ` + `in double quotes it ${double}; unquoted it ${bare}`,
  );
}

function singleProblem(value: string): Problem {
  if (value.includes("'")) return "contains '";
  if (value.includes('\r')) return 'contains a carriage return';
  if (value.includes('\\\\')) return 'contains \\\\';
  if (value.endsWith('\\')) return 'ends with \\';
  return undefined;
}

function doubleProblem(value: string): Problem {
  if (value.includes('"')) return 'contains "';
  if (value.endsWith('\\')) return 'ends with \\';
  if (/\\[\\'"abfnrtv\n\r]/.test(value)) return 'has a \\ that python-dotenv would decode with the next character';
  return undefined;
}
