import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { dotenvFormat } from '../../../../src/render/formats/dotenv';
import { Unrepresentable } from '../../../../src/render/formats/types';
import { readLiteralEnv, readWithKubectl } from '../../../support/parsers/literal-env';
import { expectedEnv, leaksValue, writeAll } from '../../../support/parsers/round-trip';
import { removeTempFiles, tempFile } from '../../../support/parsers/temp-file';
import { valueBatch } from '../../../support/parsers/values';

const literal = dotenvFormat('literal');

function reasonFor(write: () => unknown): string {
  try {
    write();
  } catch (error) {
    if (error instanceof Unrepresentable) return error.reason;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('dotenv literal', () => {
  it.each([
    ['plain', 'abc'],
    ['quotes, $, \\ and # stay as they are', `'a' "b" \`c\` $X \${Y} \\n # d`],
    ['leading and trailing whitespace is kept', '  padded\t '],
    ['= and a leading #', '#x=y=='],
    ['Unicode line separators are not line breaks here', 'a\u2028b\u0085c\vd\fe'],
  ])('%s is written as is', (_name, value) => {
    expect(literal.scalar(value)).toBe(value);
    expect(literal.document([{ key: 'K', envName: 'K', value }])).toBe(`K=${value}\n`);
  });

  it.each([
    ['LF', 'a\nb', 'line feed'],
    ['CR', 'a\rb', 'carriage return'],
    ['the empty value', '', 'empty'],
    ['NUL', 'a\0', 'NUL'],
    ['a lone surrogate', '\ud800', 'not valid Unicode'],
    ['a value over 64 KiB', 'x'.repeat(65_536), 'longer than 65535 bytes'],
  ])('refuses %s', (_name, value, reason) => {
    expect(reasonFor(() => literal.scalar(value))).toContain(reason);
  });

  it('refuses a line that the value alone would not make too long', () => {
    const value = 'é'.repeat(32_765);
    expect(literal.scalar(value)).toBe(value);
    expect(reasonFor(() => literal.document([{ key: 'K', envName: 'LONG_NAME', value }]))).toContain('65535 bytes');
  });

  it('never puts the value in the reason', () => {
    for (const shape of ['\n', '\r', '\0', '\ud800']) expect(reasonFor(() => literal.scalar(`canary${shape}`))).not.toContain('canary');
  });
});

const KUBECTL = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

describe('dotenv literal round trip', () => {
  afterAll(removeTempFiles);

  it('reads back byte-exact through the docker/kubectl/ECS line rule and kubectl itself, or refuses LF, CR, NUL, empty', () => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const { accepted, refused, text } = writeAll(literal, values);
        for (const refusal of refused) {
          expect(/[\n\r\0]/.test(refusal.value) || refusal.value === '', refusal.reason).toBe(true);
          expect(leaksValue(refusal)).toBe(false);
        }
        expect(readLiteralEnv(text)).toEqual(expectedEnv(accepted));
        // kubectl is not a Debian package: where the machine has it, it reads the file too.
        if (KUBECTL) expect(readWithKubectl(tempFile(text, '.env'))).toEqual(expectedEnv(accepted));
      }),
      { numRuns: 20 },
    );
  });
});
