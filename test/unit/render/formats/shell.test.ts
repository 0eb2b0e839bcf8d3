import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { shellFormat } from '../../../../src/render/formats/shell';
import { Unrepresentable } from '../../../../src/render/formats/types';
import { expectedEnv, leaksValue, writeAll } from '../../../support/parsers/round-trip';
import { readWithShell } from '../../../support/parsers/shell';
import { removeTempFiles, tempFile } from '../../../support/parsers/temp-file';
import { valueBatch } from '../../../support/parsers/values';

describe('shell scalar', () => {
  it.each([
    ['plain', 'abc', "'abc'"],
    ['empty', '', "''"],
    ["a ' closes, escapes and reopens", "it's", "'it'\\''s'"],
    ['$, `, \\, ! and newlines stay literal', '$HOME `id` \\ !x\n', "'$HOME `id` \\ !x\n'"],
  ])('%s', (_name, value, written) => {
    expect(shellFormat.scalar(value)).toBe(written);
  });

  it('writes export lines', () => {
    const doc = shellFormat.document([{ key: 'A/B', envName: 'A_B', value: "x'y" }]);
    expect(doc).toBe("export A_B='x'\\''y'\n");
  });

  it.each([
    ['NUL', 'canary\0', 'NUL'],
    ['a lone surrogate', 'canary\ud800', 'not valid Unicode'],
  ])('refuses %s, without the value in the reason', (_name, value, reason) => {
    expect(() => shellFormat.scalar(value)).toThrow(Unrepresentable);
    try {
      shellFormat.scalar(value);
    } catch (error) {
      expect((error as Unrepresentable).reason).toContain(reason);
      expect((error as Unrepresentable).reason).not.toContain('canary');
    }
  });
});

describe('shell round trip', () => {
  afterAll(removeTempFiles);

  it.each(['bash', 'dash'] as const)('%s reads every value without NUL back byte-exact', (shell) => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const { accepted, refused, text } = writeAll(shellFormat, values);
        for (const refusal of refused) {
          expect(refusal.value).toContain('\0');
          expect(leaksValue(refusal)).toBe(false);
        }
        const names = accepted.map((entry) => entry.envName);
        const read = readWithShell(shell, tempFile(text, '.sh'), names);
        expect(Object.fromEntries(names.map((name, i) => [name, read[i]]))).toEqual(expectedEnv(accepted));
      }),
      { numRuns: 30 },
    );
  });
});
