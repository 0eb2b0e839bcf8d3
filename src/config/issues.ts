import type * as z from 'zod/mini';
import { describeValue } from '../errors';

/** `['templates', 0, 'mode']` -> `templates[0].mode` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `${out ? '.' : ''}${String(part)}`;
  return out || '(top level)';
}

// Values under these keys may be passwords; an error shows their type, never their text.
const SECRET_PATHS = [/^defaults\.values(\.|$)/];

function received(path: string, input: unknown): string {
  if (SECRET_PATHS.some((re) => re.test(path)) && typeof input !== 'object') return `a ${typeof input}`;
  return describeValue(input);
}

function closest(word: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0] as number;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const here = row[j] as number;
        row[j] = Math.min(here + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = here;
      }
    }
    return row[b.length] as number;
  };
  const best = candidates.map((c) => [c, distance(word, c)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= Math.max(2, Math.floor(word.length / 3)) ? best[0] : undefined;
}

/** One line per problem, each naming the key and the value received. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], knownKeys: (path: readonly PropertyKey[]) => readonly string[]): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) => {
          const full = formatPath([...issue.path, key]);
          const guess = closest(key, knownKeys(issue.path));
          return `Unknown key \`${full}\`${guess ? ` (did you mean \`${guess}\`?)` : ''}`;
        })
        .join('; ');
    }
    const expectation = issue.message.startsWith('Invalid input') && 'expected' in issue ? `a ${String(issue.expected)}` : issue.message;
    if (issue.input === undefined) return `Missing \`${path}\`: expected ${expectation}`;
    return `Expected \`${path}\` to be ${expectation}, got ${received(path, issue.input)}`;
  });
}
