import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { formatIssues, formatPath } from '../../../src/config/issues';
import { checkConfig } from '../../../src/config/load-file';

const CANARY = 'CANARY-issues-7Q2';

/** The lines formatIssues writes for what a real zod schema says about `data`. */
function linesFor(schema: z.ZodMiniType, data: unknown, known: readonly string[] = []): string[] {
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) throw new Error('expected the schema to refuse the data');
  return formatIssues(result.error.issues, () => known);
}
const problems = (data: unknown): string[] => {
  const checked = checkConfig(data);
  if (checked.config) throw new Error('expected the config to be refused');
  return checked.problems;
};

describe('formatPath', () => {
  it('joins keys with dots and indexes with brackets', () => {
    expect(formatPath(['templates', 0, 'mode'])).toBe('templates[0].mode');
    expect(formatPath([0, 'a'])).toBe('[0].a');
    expect(formatPath([])).toBe('(top level)');
  });
});

describe('formatIssues words what was expected for every kind of zod issue', () => {
  const at = (inner: z.ZodMiniType) => z.strictObject({ k: inner });

  it('a wrong type', () => {
    expect(linesFor(at(z.string()), { k: 5 })).toEqual(['Expected `k` to be text, got `5` (number)']);
    expect(linesFor(at(z.number()), { k: 'x' })).toEqual(['Expected `k` to be a number, got `x` (string)']);
    expect(linesFor(at(z.int()), { k: 1.5 })).toEqual(['Expected `k` to be a whole number, got `1.5` (number)']);
    expect(linesFor(at(z.boolean()), { k: 'yes' })).toEqual(['Expected `k` to be `true` or `false`, got `yes` (string)']);
    expect(linesFor(at(z.array(z.string())), { k: 'x' })).toEqual(['Expected `k` to be a list, got `x` (string)']);
    expect(linesFor(at(z.strictObject({})), { k: [] })).toEqual(['Expected `k` to be a mapping, got a list (0 items)']);
    expect(linesFor(at(z.record(z.string(), z.string())), { k: 1 })).toEqual(['Expected `k` to be a mapping, got `1` (number)']);
    expect(linesFor(at(z.null()), { k: 1 })).toEqual(['Expected `k` to be `null`, got `1` (number)']);
    expect(linesFor(at(z.bigint()), { k: 1 })).toEqual(['Expected `k` to be a bigint, got `1` (number)']);
  });

  it('a missing key', () => {
    expect(linesFor(at(z.string()), {})).toEqual(['Missing `k`: expected text']);
  });

  it('too small and too big, for text, lists and numbers', () => {
    expect(linesFor(at(z.string().check(z.minLength(1))), { k: '' })).toEqual(['Expected `k` to be text of at least 1 character, got `` (string)']);
    expect(linesFor(at(z.string().check(z.maxLength(3))), { k: 'abcd' })).toEqual(['Expected `k` to be text of at most 3 characters, got `abcd` (string)']);
    expect(linesFor(at(z.string().check(z.length(2))), { k: 'abc' })).toEqual(['Expected `k` to be text of exactly 2 characters, got `abc` (string)']);
    expect(linesFor(at(z.array(z.string()).check(z.minLength(2))), { k: ['a'] })).toEqual([
      'Expected `k` to be a list of at least 2 items, got a list (1 item)',
    ]);
    expect(linesFor(at(z.array(z.string()).check(z.maxLength(1))), { k: ['a', 'b'] })).toEqual([
      'Expected `k` to be a list of at most 1 item, got a list (2 items)',
    ]);
    expect(linesFor(at(z.number().check(z.gte(0))), { k: -1 })).toEqual(['Expected `k` to be at least 0, got `-1` (number)']);
    expect(linesFor(at(z.number().check(z.gt(0))), { k: 0 })).toEqual(['Expected `k` to be more than 0, got `0` (number)']);
    expect(linesFor(at(z.number().check(z.lte(1))), { k: 2 })).toEqual(['Expected `k` to be at most 1, got `2` (number)']);
    expect(linesFor(at(z.number().check(z.lt(1))), { k: 1 })).toEqual(['Expected `k` to be less than 1, got `1` (number)']);
  });

  it('a format, a multiple, a closed set and a literal', () => {
    expect(linesFor(at(z.string().check(z.regex(/^a+$/))), { k: 'b' })).toEqual(['Expected `k` to be text matching /^a+$/, got `b` (string)']);
    expect(linesFor(at(z.url()), { k: 'nope' })).toEqual(['Expected `k` to be a valid url, got `nope` (string)']);
    expect(linesFor(at(z.number().check(z.multipleOf(5))), { k: 7 })).toEqual(['Expected `k` to be a multiple of 5, got `7` (number)']);
    expect(linesFor(at(z.enum(['json', 'pretty'])), { k: 'x' })).toEqual(['Expected `k` to be one of json, pretty, got `x` (string)']);
    expect(linesFor(at(z.literal('on')), { k: 'off' })).toEqual(['Expected `k` to be `on`, got `off` (string)']);
  });

  it('a union: the words of each form, or the issue of the form that got furthest into the value', () => {
    expect(linesFor(at(z.union([z.string(), z.number()])), { k: true })).toEqual(['Expected `k` to be text or a number, got `true` (boolean)']);
    expect(linesFor(at(z.union([z.string(), z.array(z.string())])), { k: ['a', 2] })).toEqual(['Expected `k[1]` to be text, got `2` (number)']);
  });

  it('a refused key of a mapping', () => {
    expect(linesFor(at(z.record(z.string().check(z.regex(/^[A-Z]+$/)), z.string())), { k: { lower: 'x' } })).toEqual([
      'Expected the key `lower` in `k` to be text matching /^[A-Z]+$/',
    ]);
  });

  it('an unknown key, with the near known one', () => {
    expect(linesFor(z.strictObject({ interval: z.string() }), { intervall: 'x', interval: 'x', other: 1 }, ['interval'])).toEqual([
      'Unknown key `intervall` (did you mean `interval`?); Unknown key `other`',
    ]);
  });

  it('a custom check, in its own words', () => {
    const schema = at(z.string().check(z.refine((v: string) => v === 'a', { error: 'the letter a' })));
    expect(linesFor(schema, { k: 'b' })).toEqual(['Expected `k` to be the letter a, got `b` (string)']);
    expect(linesFor(at(z.string().check(z.refine((v: string) => v === 'a'))), { k: 'b' })).toEqual(['Expected `k` to be valid, got `b` (string)']);
  });

  it('never lets a line read "Invalid input"', () => {
    const lines = [
      ...problems({ defaults: { values: { PASSWORD: null } } }),
      ...problems({ watch: 'x', on_change: 5, exec: [], defaults: 'x', templates: [7] }),
      ...problems({ aliases: { A: 5, B: [5] }, parameters: { 'BAD KEY': '/a' } }),
    ];
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(line).not.toMatch(/Invalid input/);
  });
});

describe('the config file messages', () => {
  it('name a null under defaults.values and what it expects (not "Invalid input")', () => {
    expect(problems({ defaults: { values: { PASSWORD: null } } })).toEqual([
      'Expected `defaults.values.PASSWORD` to be text, a number, `true`/`false` or a nested mapping, got `null`',
    ]);
  });

  it('reach the nested key that is wrong, however deep', () => {
    expect(problems({ defaults: { values: { MYSQL: { HOST: 'h', PORTS: [1, 2] } } } })).toEqual([
      'Expected `defaults.values.MYSQL.PORTS` to be text, a number, `true`/`false` or a nested mapping, got a list (2 items)',
    ]);
    expect(problems({ aliases: { 'MYSQL/PASSWORD': ['MYSQL_PW', 3] } })).toEqual([
      'Expected `aliases.MYSQL/PASSWORD[1]` to be an environment variable name, got `3` (number)',
    ]);
    expect(problems({ aliases: { 'MYSQL/PASSWORD': 3 } })).toEqual([
      'Expected `aliases.MYSQL/PASSWORD` to be an environment variable name or a list of them, got `3` (number)',
    ]);
  });

  it('name a key that cannot be a relative key', () => {
    expect(problems({ parameters: { 'MYSQL PASSWORD': '/a' } })).toEqual([
      'Expected the key `MYSQL PASSWORD` in `parameters` to be a relative key such as `MYSQL/PASSWORD`',
    ]);
  });

  it('say which nested setting must be a mapping', () => {
    expect(problems({ watch: '5m' })).toEqual(['Expected `watch` to be a mapping, got `5m` (string)']);
  });

  it('show only the type of a value under defaults.values, never its text', () => {
    // The schema accepts every text, number and boolean there; a number the YAML reads as infinite is refused.
    const [line] = problems({ defaults: { values: { PIN: Number.POSITIVE_INFINITY } } });
    expect(line).toBe('Expected `defaults.values.PIN` to be text, a number, `true`/`false` or a nested mapping, got a number');
    // Any issue a schema raises under defaults.values keeps its text out of the message.
    const strict = z.strictObject({ defaults: z.strictObject({ values: z.record(z.string(), z.number()) }) });
    const lines = linesFor(strict, { defaults: { values: { PASSWORD: CANARY } } });
    expect(lines).toEqual(['Expected `defaults.values.PASSWORD` to be a number, got a string']);
    expect(linesFor(strict, { defaults: { values: CANARY } }).join()).not.toContain(CANARY);
    // Elsewhere the value is shown, so that a typo can be seen.
    expect(linesFor(z.strictObject({ region: z.number() }), { region: CANARY }).join()).toContain(CANARY);
  });
});
