import type * as z from 'zod/mini';
import { describeValue } from '../errors';
import { oneOfText } from './one-of';

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

// zod/mini's own message for every issue: the schema's words replace it where the schema has them.
const ZOD_DEFAULT = 'Invalid input';

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: '`true` or `false`',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  null: '`null`',
};

type Issue = z.core.$ZodIssue;

function plural(count: number | bigint, one: string): string {
  return `${count} ${one}${count === 1 ? '' : 's'}`;
}

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const [limit, words] =
    issue.code === 'too_small'
      ? [issue.minimum, issue.exact ? 'exactly' : issue.inclusive === false ? 'more than' : 'at least']
      : [issue.maximum, issue.exact ? 'exactly' : issue.inclusive === false ? 'less than' : 'at most'];
  if (issue.origin === 'string') return `text of ${words} ${plural(limit, 'character')}`;
  if (issue.origin === 'array' || issue.origin === 'set') return `a list of ${words} ${plural(limit, 'item')}`;
  return `${words} ${String(limit)}`;
}

/** What an issue says was expected, in words: the schema's own, or words built from the issue. */
function expected(issue: Issue): string {
  if (issue.message !== ZOD_DEFAULT) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`;
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_format':
      return issue.format === 'regex' && issue.pattern !== undefined ? `text matching ${issue.pattern}` : `a valid ${issue.format}`;
    case 'not_multiple_of':
      return `a multiple of ${issue.divisor}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `\`${String(issue.values[0])}\`` : oneOfText(issue.values.map((v) => String(v)));
    case 'invalid_union': {
      const words = [...new Set(issue.errors.map((branch) => (branch[0] ? expected(branch[0]) : '')).filter((w) => w !== ''))];
      return words.length > 0 ? words.join(' or ') : 'exactly one of its forms';
    }
    case 'invalid_key':
    case 'invalid_element':
      return issue.issues[0] ? expected(issue.issues[0]) : 'a valid entry';
    default:
      return 'valid';
  }
}

/**
 * A union's issue, or the issues of the branch that got furthest into the value: a mapping under
 * `defaults.values` that fails on one nested key is reported at that key, not as a whole.
 */
function deepest(issue: Issue): readonly Issue[] {
  if (issue.code !== 'invalid_union') return [issue];
  const depth = (branch: readonly Issue[]) => Math.max(0, ...branch.map((i) => i.path.length));
  const best = issue.errors.reduce<readonly Issue[]>((a, b) => (depth(b) > depth(a) ? b : a), []);
  if (depth(best) === 0) return [issue];
  return best.flatMap((inner) => deepest({ ...inner, path: [...issue.path, ...inner.path] } as Issue));
}

function describe(issue: Issue, knownKeys: (path: readonly PropertyKey[]) => readonly string[]): string {
  const path = formatPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const guess = closest(key, knownKeys(issue.path));
        return `Unknown key \`${formatPath([...issue.path, key])}\`${guess ? ` (did you mean \`${guess}\`?)` : ''}`;
      })
      .join('; ');
  }
  if (issue.code === 'invalid_key') {
    const where = formatPath(issue.path.slice(0, -1));
    return `Expected the key \`${String(issue.path.at(-1))}\` in \`${where}\` to be ${expected(issue.issues[0] ?? issue)}`;
  }
  if (issue.input === undefined) return `Missing \`${path}\`: expected ${expected(issue)}`;
  return `Expected \`${path}\` to be ${expected(issue)}, got ${received(path, issue.input)}`;
}

/** One line per problem, each naming the key, what it expects and the value received. */
export function formatIssues(issues: readonly Issue[], knownKeys: (path: readonly PropertyKey[]) => readonly string[]): string[] {
  return issues.flatMap(deepest).map((issue) => describe(issue, knownKeys));
}
