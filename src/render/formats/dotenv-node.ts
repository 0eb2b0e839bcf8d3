import { bareProblem, type Problem } from './dotenv-rules';
import { refuse } from './refuse';

/*
 * npm dotenv 18 only (default and `{ fast: true }` parsers). Inside '...' and `...` nothing is
 * decoded; inside "..." only the pairs \n and \r are (to LF and CR), and there is no escape for
 * \ or ". A raw CR is read as LF. No quoted value may end in \ (both parsers read \<quote> as an
 * escaped quote and run on). So: '...' if no ' and no CR; else "..." (LF and CR written \n \r) if
 * no " and no \n or \r pair; else `...` if no ` and no CR; else unquoted when `bareProblem` finds
 * nothing; else refuse.
 */
export function nodeScalar(value: string): string {
  const single = quotedProblem(value, "'") ?? crProblem(value);
  if (single === undefined) return `'${value}'`;
  const double = quotedProblem(value, '"') ?? (/\\[nr]/.test(value) ? 'contains a \\n or \\r pair' : undefined);
  if (double === undefined) return `"${value.replaceAll('\n', '\\n').replaceAll('\r', '\\r')}"`;
  const backtick = quotedProblem(value, '`') ?? crProblem(value);
  if (backtick === undefined) return `\`${value}\``;
  const bare = bareProblem(value);
  if (bare === undefined) return value;
  return refuse(
    `cannot be written for npm dotenv: in single quotes it ${single}; in double quotes it ${double}; ` + `in backticks it ${backtick}; unquoted it ${bare}`,
  );
}

function quotedProblem(value: string, quote: string): Problem {
  if (value.endsWith('\\')) return 'ends with \\';
  if (value.includes(quote)) return `contains ${quote}`;
  return undefined;
}

function crProblem(value: string): Problem {
  return value.includes('\r') ? 'contains a carriage return' : undefined;
}
