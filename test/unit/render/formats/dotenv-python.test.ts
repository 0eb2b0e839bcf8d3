import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dotenvFormat } from '../../../../src/render/formats/dotenv';
import { Unrepresentable } from '../../../../src/render/formats/types';
import { readPythonDotenv } from '../../../support/parsers/python';
import { expectedEnv, leaksValue, writeAll } from '../../../support/parsers/round-trip';
import { removeTempFiles, tempFile } from '../../../support/parsers/temp-file';
import { valueBatch } from '../../../support/parsers/values';

const python = dotenvFormat('python');

function reasonFor(value: string): string {
  try {
    python.scalar(value);
  } catch (error) {
    if (error instanceof Unrepresentable) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('dotenv python scalar', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['\\ " LF CR are escaped', 'a\\b"c\nd\re', '"a\\\\b\\"c\\nd\\re"'],
    ["' and ` stay raw", "it's `x`", '"it\'s `x`"'],
    ['text that looks like escapes', "\\n\\t\\'", '"\\\\n\\\\t\\\\\'"'],
    ['$ without braces', '$X $ {X} $(x)', '"$X $ {X} $(x)"'],
    ['a trailing \\ goes unquoted', 'C:\\dir\\', 'C:\\dir\\'],
  ])('%s', (_name, value, written) => {
    expect(python.scalar(value)).toBe(written);
  });

  it.each([
    ['${X}', 'a${X}b', 'python-dotenv expands'],
    ['${X:-d}', '${X:-d}', 'python-dotenv expands'],
    ['a trailing \\ on two lines', 'a\nb\\', 'unquoted it spans more than one line'],
    ['a trailing \\ after a space-led value', ' a\\', 'unquoted it starts or ends with whitespace'],
    ['NUL', '\0', 'NUL'],
    ['a lone surrogate', 'x\ud800', 'not valid Unicode'],
  ])('refuses %s', (_name, value, reason) => {
    expect(reasonFor(value)).toContain(reason);
  });

  it('never puts the value in the reason', () => {
    for (const shape of ['${A}', '\0', '\ud800', '\n\\']) expect(reasonFor(`canary${shape}`)).not.toContain('canary');
  });
});

// What the python dialect refuses: NUL, a ${...} it expands, and a value ending in \ that cannot
// go unquoted. The last is a limit of python-dotenv 0.21, not of the escaper: its quoted-value
// regexes read any \<quote> as an escaped quote, so no quoted value can end in \.
function mustRefuse(v: string): boolean {
  if (v.includes('\0') || /\$\{[^}:]*(:-[^}]*)?\}/.test(v)) return true;
  // eslint-disable-next-line no-control-regex -- Python's extra whitespace is control characters
  return v.endsWith('\\') && /[\n\r\u2028\u2029#]|^['"`]|^[\s\x1c-\x1f\x85]/u.test(v);
}

describe('dotenv python round trip', () => {
  afterAll(removeTempFiles);

  it('reads back byte-exact through python-dotenv, refusing only ${...}, NUL, and a \\ ending it cannot hold', () => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const { accepted, refused, text } = writeAll(python, values);
        for (const refusal of refused) {
          expect(mustRefuse(refusal.value), refusal.reason).toBe(true);
          expect(leaksValue(refusal)).toBe(false);
        }
        for (const { value } of accepted) expect(mustRefuse(value)).toBe(false);
        expect(readPythonDotenv(tempFile(text, '.env'))).toEqual(expectedEnv(accepted));
      }),
      { numRuns: 40 },
    );
  });
});
