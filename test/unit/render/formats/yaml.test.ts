import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { Unrepresentable, type Entry } from '../../../../src/render/formats/types';
import { yamlFormat } from '../../../../src/render/formats/yaml';
import { readWithPython } from '../../../support/parsers/python';
import { removeTempFiles, tempFile } from '../../../support/parsers/temp-file';
import { expectedShape, hasLeafParentConflict, shapeOf } from '../../../support/parsers/tree-shape';
import { TreeConflictError } from '../../../../src/data/tree';
import { anyValue, keyPath, valueBatch } from '../../../support/parsers/values';
import { readYamlNpm } from '../../../support/parsers/yaml';

const entry = (key: string, value: string): Entry => ({ key, envName: key.replaceAll('/', '_'), value });

/** Reads a YAML text with both parsers and returns their shapes. */
function readBoth(text: string): [ReturnType<typeof shapeOf>, ReturnType<typeof shapeOf>] {
  const [fromPython] = readWithPython('yaml', [tempFile(text, '.yaml')]);
  return [shapeOf(readYamlNpm(text)), shapeOf(fromPython)];
}

describe('yaml scalar', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['look-alikes are quoted strings', 'yes', '"yes"'],
    ['\\ and "', 'a\\"b', '"a\\\\\\"b"'],
    ['tab, LF, CR by name', '\t\n\r', '"\\t\\n\\r"'],
    ['other C0, DEL and C1 as \\x', '\0\x1b\x7f\x85\x9f', '"\\x00\\x1B\\x7F\\x85\\x9F"'],
    ['line and paragraph separators, BOM, non-characters as \\u', '\u2028\u2029\ufeff\ufffe\uffff', '"\\u2028\\u2029\\uFEFF\\uFFFE\\uFFFF"'],
    ['printable Unicode as is', 'é\u0301 \u{1F600} \u00a0', '"é\u0301 \u{1F600} \u00a0"'],
  ])('%s', (_name, value, written) => {
    expect(yamlFormat.scalar(value)).toBe(written);
  });

  it('refuses a lone surrogate without the value in the reason', () => {
    expect(() => yamlFormat.scalar('canary\ud800')).toThrow(Unrepresentable);
    expect(() => yamlFormat.scalar('canary\ud800')).toThrow(/^is not valid Unicode[^c]*$/);
  });
});

describe('yaml document', () => {
  it('nests by key path', () => {
    const doc = yamlFormat.document([entry('MYSQL/PASSWORD', 'pw'), entry('MYSQL/USER', 'app'), entry('PORT', '3306')]);
    expect(doc).toBe('MYSQL:\n  PASSWORD: "pw"\n  USER: "app"\nPORT: "3306"\n');
  });

  it('quotes keys that are not plain identifiers or are YAML 1.1 words', () => {
    const doc = yamlFormat.document([entry('yes', 'a'), entry('Y', 'b'), entry('NULL', 'c'), entry('a.b', 'd'), entry('1', 'e'), entry('', 'f')]);
    expect(doc).toBe('"yes": "a"\n"Y": "b"\n"NULL": "c"\n"a.b": "d"\n"1": "e"\n"": "f"\n');
  });

  it('writes {} for no entries', () => {
    expect(yamlFormat.document([])).toBe('{}\n');
    expect(readBoth('{}\n')).toEqual([[], []]);
  });

  it('uses an explicit key for a key too long for an implicit one, and both parsers read it', () => {
    const long = 'K'.repeat(1500);
    const entries = [entry(`${long}/A`, 'x'), entry(long.toLowerCase(), 'y')];
    const doc = yamlFormat.document(entries);
    expect(doc.startsWith(`? ${long}\n:\n  A: "x"\n? `)).toBe(true);
    expect(readBoth(doc)).toEqual([expectedShape(entries), expectedShape(entries)]);
  });

  it.each([
    [['A', 'A/B'], '`A` holds a value and is also the parent of `A/B`'],
    [['A/B/C', 'A/B'], '`A/B` holds a value and is also the parent of `A/B/C`'],
    [['A', 'A'], '`A` appears twice'],
  ])('refuses %j, naming both keys', (keys, reason) => {
    const entries = keys.map((key) => entry(key, 'secret-canary'));
    expect(() => yamlFormat.document(entries)).toThrow(reason);
    expect(() => yamlFormat.document(entries)).not.toThrow(/canary/);
  });
});

describe('yaml round trip', () => {
  afterAll(removeTempFiles);

  it('reads every scalar back byte-exact in `k: <scalar>` through yaml (1.2) and PyYAML (1.1); refuses nothing', () => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const text = values.map((value, i) => `V_${i}: ${yamlFormat.scalar(value)}\n`).join('');
        const expected = shapeOf(new Map(values.map((value, i) => [`V_${i}`, value])));
        expect(readBoth(text)).toEqual([expected, expected]);
      }),
      { numRuns: 25 },
    );
  });

  it('reads the nested document back through both, or refuses only a leaf/parent conflict', () => {
    const entries = fc.array(fc.tuple(keyPath, anyValue), { minLength: 1, maxLength: 60 }).map((pairs) => pairs.map(([key, value]) => entry(key, value)));
    fc.assert(
      fc.property(entries, (list) => {
        let doc: string;
        try {
          doc = yamlFormat.document(list);
        } catch (error) {
          expect(error).toBeInstanceOf(TreeConflictError);
          expect(hasLeafParentConflict(list)).toBe(true);
          return;
        }
        expect(hasLeafParentConflict(list)).toBe(false);
        expect(readBoth(doc)).toEqual([expectedShape(list), expectedShape(list)]);
      }),
      { numRuns: 30 },
    );
  });
});
