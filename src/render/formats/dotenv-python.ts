import { bareProblem, hasPythonVariable } from './dotenv-rules';
import { refuse } from './refuse';

/*
 * python-dotenv 0.21 only. Inside "..." it decodes \\ \' \" \a \b \f \n \r \t \v, so escaping
 * \ " LF CR as \\ \" \n \r writes anything (a raw CR would be read as LF), with two exceptions:
 * - `${...}` is expanded in every value and has no escape: refused. (Spelling $ as `${:-$}` works
 *   only while no environment variable has an empty name, which a process can be given and
 *   Python does read: too fragile for a byte that must be exact.)
 * - its quoted-value regex reads any \" as an escaped quote, so no quoted value can end in \;
 *   such a value is written unquoted when `bareProblem` allows it, else refused.
 */
export function pythonScalar(value: string): string {
  if (hasPythonVariable(value)) refuse('contains ${...}, which python-dotenv expands');
  if (!value.endsWith('\\')) {
    return `"${value.replace(/[\\"\n\r]/g, (c) => ESCAPES[c] ?? c)}"`;
  }
  const bare = bareProblem(value);
  if (bare === undefined) return value;
  return refuse(`ends with \\, which python-dotenv cannot read inside quotes, and unquoted it ${bare}`);
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r' };
