import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { formatDocument, formatJson, formatTable, MASK, type Listed } from '../../../src/cli/ls-format';
import { RenderError } from '../../../src/errors';

const when = new Date('2024-05-01T12:34:56.789Z');
const items: Listed[] = [
  { name: '/P/E/A', key: 'A', type: 'String', version: 3, lastModified: when, value: 'plain' },
  { name: '/P/E/B/C', key: 'B/C', type: 'SecureString', version: 12, lastModified: when, value: 'two\nlines' },
];

describe('ls formats', () => {
  it('table: aligned columns, ISO times to the second, sub-paths as rows, values only when shown', () => {
    expect(formatTable(items, ['/P/E/D/'], { showValues: false, local: false })).toBe(
      'NAME      TYPE          VERSION  LAST MODIFIED\n' +
        '/P/E/A    String        3        2024-05-01T12:34:56Z\n' +
        '/P/E/B/C  SecureString  12       2024-05-01T12:34:56Z\n' +
        '/P/E/D/   path          -        -\n',
    );
    const shown = formatTable(items, [], { showValues: true, local: false }).split('\n');
    expect(shown[1]).toMatch(/ plain$/);
    expect(shown[2]).toMatch(/ "two\\nlines"$/);
    expect(formatTable([{ name: 'A', key: 'A', type: 'String', from: 'A (environment)', value: ' x' }], [], { showValues: true, local: true })).toBe(
      'KEY  TYPE    FROM             VALUE\nA    String  A (environment)  " x"\n',
    );
  });

  it('json: metadata, values only when shown', () => {
    expect(JSON.parse(formatJson(items, { showValues: false }))).toEqual([
      { name: '/P/E/A', key: 'A', type: 'String', version: 3, lastModified: '2024-05-01T12:34:56Z' },
      { name: '/P/E/B/C', key: 'B/C', type: 'SecureString', version: 12, lastModified: '2024-05-01T12:34:56Z' },
    ]);
    expect((JSON.parse(formatJson(items, { showValues: true })) as Array<{ value: string }>)[1]?.value).toBe('two\nlines');
  });

  it('dotenv and yaml: masked unless shown; a value a format cannot hold is a RenderError naming the key', () => {
    expect(parseDotenv(formatDocument('dotenv', items, { showValues: false }))).toEqual({ A: MASK, B_C: MASK });
    expect(parseDotenv(formatDocument('dotenv', items, { showValues: true }))).toEqual({ A: 'plain', B_C: 'two\nlines' });
    expect(formatDocument('yaml', items, { showValues: false })).toBe(`A: "${MASK}"\nB:\n  C: "${MASK}"\n`);
    const bad: Listed[] = [{ name: '/P/E/X', key: 'X', type: 'String', value: 'nul\u0000here' }];
    expect(() => formatDocument('dotenv', bad, { showValues: true })).toThrow(RenderError);
    expect(() => formatDocument('dotenv', bad, { showValues: true })).toThrow(/`X` cannot be written as dotenv/);
  });
});
