import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dotenvFormat } from '../../../../src/render/formats/dotenv';
import { Unrepresentable } from '../../../../src/render/formats/types';
import { readNpmDotenv } from '../../../support/parsers/npm-dotenv';
import { expectedEnv, leaksValue, writeAll } from '../../../support/parsers/round-trip';
import { valueBatch } from '../../../support/parsers/values';

const node = dotenvFormat('node');

function reasonFor(value: string): string {
  try {
    node.scalar(value);
  } catch (error) {
    if (error instanceof Unrepresentable) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('dotenv node scalar', () => {
  it.each([
    ['plain', 'abc', "'abc'"],
    ['\\\\ is literal in single quotes', '\\\\server\\share\n', "'\\\\server\\share\n'"],
    ['${X} is not expanded by npm dotenv', '${X}', "'${X}'"],
    ["a ' goes in double quotes", "it's\n", '"it\'s\\n"'],
    ['a CR goes in double quotes', 'a\rb', '"a\\rb"'],
    ['a \\ before LF in double quotes', "'\\\n", '"\'\\\\n"'],
    ['both quotes go in backticks', 'say "it\'s"\n\\n', '`say "it\'s"\n\\n`'],
    ['a trailing \\ goes unquoted', 'C:\\dir\\', 'C:\\dir\\'],
  ])('%s', (_name, value, written) => {
    expect(node.scalar(value)).toBe(written);
  });

  it.each([
    ['all three quotes on two lines', '\'"`\n', 'in backticks it contains `'],
    ['a CR with " ', '"\r', 'in backticks it contains a carriage return'],
    ['a CR with a \\n pair', '\r\\n', 'in double quotes it contains a \\n or \\r pair'],
    ['a trailing \\ on two lines', 'a\nb\\', 'in single quotes it ends with \\'],
    ['NUL', '\0', 'NUL'],
    ['a lone surrogate', '\udc00', 'not valid Unicode'],
  ])('refuses %s', (_name, value, reason) => {
    expect(reasonFor(value)).toContain(reason);
  });

  it('never puts the value in the reason', () => {
    for (const shape of ['\'"`\n', '\0', '\ud800', 'x\n\\']) expect(reasonFor(`canary${shape}`)).not.toContain('canary');
  });
});

describe('dotenv node round trip', () => {
  it('reads back byte-exact through both npm dotenv parsers, or refuses', () => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const { accepted, refused, text } = writeAll(node, values);
        for (const refusal of refused) expect(leaksValue(refusal)).toBe(false);
        const npm = readNpmDotenv(Buffer.from(text, 'utf8'));
        expect(npm.default).toEqual(expectedEnv(accepted));
        expect(npm.fast).toEqual(expectedEnv(accepted));
      }),
      { numRuns: 200 },
    );
  });
});
