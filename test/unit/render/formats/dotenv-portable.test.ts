import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dotenvFormat } from '../../../../src/render/formats/dotenv';
import { Unrepresentable } from '../../../../src/render/formats/types';
import { readNpmDotenv } from '../../../support/parsers/npm-dotenv';
import { readPythonDotenv } from '../../../support/parsers/python';
import { expectedEnv, leaksValue, writeAll } from '../../../support/parsers/round-trip';
import { removeTempFiles, tempFile } from '../../../support/parsers/temp-file';
import { valueBatch } from '../../../support/parsers/values';

const portable = dotenvFormat('portable');

function reasonFor(value: string): string {
  try {
    portable.scalar(value);
  } catch (error) {
    if (error instanceof Unrepresentable) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('dotenv portable scalar', () => {
  it.each([
    ['plain', 'abc', "'abc'"],
    ['empty', '', "''"],
    ['$ and backticks need nothing', '$HOME `id` $(id) ${X:y}', "'$HOME `id` $(id) ${X:y}'"],
    ['a newline stays raw in single quotes', 'a\nb\n', "'a\nb\n'"],
    ['a backslash pair python does not decode in single quotes', 'a\\nb\\"', "'a\\nb\\\"'"],
    ['a # and spaces', ' a # b ', "' a # b '"],
    ["a ' goes in double quotes", "it's", '"it\'s"'],
    ['a CR goes in double quotes as \\r', 'a\r\nb', '"a\\r\\nb"'],
    ['a \\ before a character neither decodes', "it's C:\\Users", '"it\'s C:\\Users"'],
    ['\\\\ goes unquoted', '\\\\server\\share', '\\\\server\\share'],
    ['a trailing \\ goes unquoted', 'C:\\dir\\', 'C:\\dir\\'],
    ['both quotes, unquoted', 'say "it\'s"', 'say "it\'s"'],
    ['JSON with an escaped backslash, unquoted', '{"a":"b\\\\n"}', '{"a":"b\\\\n"}'],
  ])('%s', (_name, value, written) => {
    expect(portable.scalar(value)).toBe(written);
  });

  it.each([
    ['${X}', 'pw${X}pw', 'python-dotenv expands'],
    ['${X:-y}', '${X:-y}', 'python-dotenv expands'],
    ['${}', 'a${}b', 'python-dotenv expands'],
    ['both \' and " on two lines', `'"\n`, 'contains \'; in double quotes it contains "; unquoted it spans'],
    ['\\\\ with a newline', 'a\\\\b\nc', 'contains \\\\'],
    ["a ' and a \\ before a newline", "it's \\\n", 'in double quotes it has a \\'],
    ['a trailing \\ after #', '#\\', 'ends with \\; in double quotes it ends with \\; unquoted it contains #'],
    ['a CR with "', '"\r', 'in double quotes it contains "'],
    ['NUL', 'a\0b', 'NUL'],
    ['a lone surrogate', 'a\ud800', 'not valid Unicode'],
  ])('refuses %s', (_name, value, reason) => {
    expect(reasonFor(value)).toContain(reason);
  });

  it('never puts the value in the reason', () => {
    for (const shape of ['\'"\n', '${A}', '\0', '\ud800', "\\\\\n'", '#"\'\\']) {
      const value = `canary-${shape}-canary`;
      expect(reasonFor(value)).not.toContain('canary');
    }
  });
});

// What the portable dialect refuses, restated from its rules: NUL, a ${...} python-dotenv expands,
// and values that fit none of single quotes, double quotes and unquoted.
function mustRefuse(v: string): boolean {
  if (v.includes('\0') || /\$\{[^}:]*(:-[^}]*)?\}/.test(v)) return true;
  const single = !/['\r]|\\\\|\\$/.test(v);
  const double = !/"|\\$|\\[\\'"abfnrtv\n\r]/.test(v);
  // eslint-disable-next-line no-control-regex -- Python's extra whitespace is control characters
  const bare = v !== '' && !/[\n\r\u2028\u2029#]|^['"`]|^[\s\x1c-\x1f\x85]|[\s\x1c-\x1f\x85]$/u.test(v);
  return !single && !double && !bare;
}

const tally = { values: 0, refused: 0 };

describe('dotenv portable round trip', () => {
  afterAll(() => {
    console.log(`dotenv portable refused ${tally.refused} of ${tally.values} random values (${((100 * tally.refused) / tally.values).toFixed(1)}%)`);
    removeTempFiles();
  });

  it('reads back byte-exact through npm dotenv (both parsers) and python-dotenv, or refuses as documented', () => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const { accepted, refused, text } = writeAll(portable, values);
        tally.values += values.length;
        tally.refused += refused.length;
        for (const refusal of refused) {
          expect(mustRefuse(refusal.value), refusal.reason).toBe(true);
          expect(leaksValue(refusal)).toBe(false);
        }
        for (const { value } of accepted) expect(mustRefuse(value)).toBe(false);
        const path = tempFile(text, '.env');
        const expected = expectedEnv(accepted);
        const npm = readNpmDotenv(readFileSync(path));
        expect(npm.default).toEqual(expected);
        expect(npm.fast).toEqual(expected);
        expect(readPythonDotenv(path)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });
});
