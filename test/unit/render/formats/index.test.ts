import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getFormat, Unrepresentable, type DotenvDialect, type FormatName } from '../../../../src/render/formats';
import { anyValue } from '../../../support/parsers/values';

const NAMES: FormatName[] = ['dotenv', 'shell', 'yaml', 'json', 'properties'];
const DIALECTS: DotenvDialect[] = ['portable', 'node', 'python', 'literal'];

describe('getFormat', () => {
  it.each(NAMES)('returns the %s format', (name) => {
    expect(getFormat(name).name).toBe(name);
  });

  it('defaults dotenv to the portable dialect', () => {
    expect(getFormat('dotenv').scalar('\\\\x\\')).toBe(getFormat('dotenv', { dialect: 'portable' }).scalar('\\\\x\\'));
    expect(getFormat('dotenv', { dialect: 'python' }).scalar('a')).toBe('"a"');
  });

  it('names the value received when the name or dialect is unknown', () => {
    expect(() => getFormat('toml' as FormatName)).toThrow('got `toml`');
    expect(() => getFormat('dotenv', { dialect: 'bash' as DotenvDialect })).toThrow('got `bash`');
  });
});

describe('every format', () => {
  const formats = [...NAMES.filter((name) => name !== 'dotenv').map((name) => getFormat(name)), ...DIALECTS.map((dialect) => getFormat('dotenv', { dialect }))];
  const illFormed = fc
    .tuple(anyValue, fc.integer({ min: 0xd800, max: 0xdfff }), anyValue)
    .map(([before, unit, after]) => `${before}${String.fromCharCode(unit)}${after}`)
    .filter((value) => /\p{Cs}/u.test(value));

  it('refuses a value that is not well-formed Unicode, in scalar and document alike', () => {
    fc.assert(
      fc.property(illFormed, (value) => {
        for (const format of formats) {
          expect(() => format.scalar(value)).toThrow(Unrepresentable);
          expect(() => format.document([{ key: 'K', envName: 'K', value }])).toThrow(Unrepresentable);
        }
      }),
    );
  });
});
