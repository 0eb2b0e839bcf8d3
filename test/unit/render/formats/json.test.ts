import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonFormat } from '../../../../src/render/formats/json';
import { Unrepresentable, type Entry } from '../../../../src/render/formats/types';
import { readWithPython } from '../../../support/parsers/python';
import { removeTempFiles, tempFile } from '../../../support/parsers/temp-file';
import { expectedShape, hasLeafParentConflict, shapeOf } from '../../../support/parsers/tree-shape';
import { TreeConflictError } from '../../../../src/data/tree';
import { anyValue, keyPath, valueBatch } from '../../../support/parsers/values';

const entry = (key: string, value: string): Entry => ({ key, envName: key.replaceAll('/', '_'), value });

describe('json', () => {
  it('writes a scalar as JSON.stringify does', () => {
    expect(jsonFormat.scalar('a"b\\c\n\u2028\0')).toBe('"a\\"b\\\\c\\n\u2028\\u0000"');
  });

  it('nests the document by key path, two-space indented, with a final newline', () => {
    const doc = jsonFormat.document([entry('MYSQL/PASSWORD', 'pw'), entry('MYSQL/USER', 'app')]);
    expect(doc).toBe('{\n  "MYSQL": {\n    "PASSWORD": "pw",\n    "USER": "app"\n  }\n}\n');
  });

  it('writes {} for no entries', () => {
    expect(jsonFormat.document([])).toBe('{}\n');
  });

  it('keeps __proto__ an ordinary key', () => {
    const doc = jsonFormat.document([entry('__proto__/x', 'a')]);
    expect(doc).toBe('{\n  "__proto__": {\n    "x": "a"\n  }\n}\n');
  });

  it('refuses a leaf that is also a parent, naming both keys, not the value', () => {
    const entries = [entry('A/B', 'canary'), entry('A', 'canary')];
    expect(() => jsonFormat.document(entries)).toThrow('`A` holds a value and is also the parent of `A/B`');
    expect(() => jsonFormat.document(entries)).not.toThrow(/canary/);
  });

  it('refuses a lone surrogate, in a scalar and in a document', () => {
    expect(() => jsonFormat.scalar('canary\udfff')).toThrow(Unrepresentable);
    expect(() => jsonFormat.document([entry('A', 'canary\ud800')])).toThrow(/^is not valid Unicode[^c]*$/);
  });
});

describe('json round trip', () => {
  afterAll(removeTempFiles);

  it('reads every value back byte-exact through JSON.parse and Python json.loads; refuses nothing', () => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const text = `[${values.map((value) => jsonFormat.scalar(value)).join(',\n')}]`;
        expect(JSON.parse(text)).toEqual(values);
        expect(readWithPython('json', [tempFile(text, '.json')])[0]).toEqual(values);
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
          doc = jsonFormat.document(list);
        } catch (error) {
          expect(error).toBeInstanceOf(TreeConflictError);
          expect(hasLeafParentConflict(list)).toBe(true);
          return;
        }
        expect(hasLeafParentConflict(list)).toBe(false);
        const [fromPython] = readWithPython('json', [tempFile(doc, '.json')]);
        expect(shapeOf(JSON.parse(doc))).toEqual(expectedShape(list));
        expect(shapeOf(fromPython)).toEqual(expectedShape(list));
      }),
      { numRuns: 25 },
    );
  });
});
