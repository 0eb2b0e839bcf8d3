import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { propertiesFormat } from '../../../../src/render/formats/properties';
import { Unrepresentable, type Entry } from '../../../../src/render/formats/types';
import { readJavaProperties } from '../../../support/parsers/java-properties';
import { removeTempFiles, tempFile } from '../../../support/parsers/temp-file';
import { anyValue, keyPath, valueBatch } from '../../../support/parsers/values';

const entry = (key: string, value: string): Entry => ({ key, envName: key.replaceAll('/', '_'), value });

describe('properties scalar', () => {
  it.each([
    ['plain', 'abc', 'abc'],
    ['\\ and = : # !', 'a\\b=c:d#e!f', 'a\\\\b\\=c\\:d\\#e\\!f'],
    ['a leading space only', '  a b ', '\\  a b '],
    ['tab, LF, CR, FF by name', '\t\n\r\f', '\\t\\n\\r\\f'],
    ['other controls and DEL as \\u', '\0\x1b\x7f', '\\u0000\\u001B\\u007F'],
    ['non-ASCII as UTF-16 \\u units', 'é\u{1F600}', '\\u00E9\\uD83D\\uDE00'],
    ['text that looks like an escape', '\\u0041', '\\\\u0041'],
  ])('%s', (_name, value, written) => {
    expect(propertiesFormat.scalar(value)).toBe(written);
  });

  it('refuses a lone surrogate without the value in the reason', () => {
    expect(() => propertiesFormat.scalar('canary\ud800')).toThrow(Unrepresentable);
    expect(() => propertiesFormat.scalar('canary\ud800')).toThrow(/^is not valid Unicode[^c]*$/);
  });
});

describe('properties document', () => {
  it('joins the key path with dots and escapes key characters, spaces included', () => {
    const doc = propertiesFormat.document([entry('MYSQL/PASSWORD', 'pw'), entry('a b/#c=d:é', ' v')]);
    expect(doc).toBe('MYSQL.PASSWORD=pw\na\\ b.\\#c\\=d\\:\\u00E9=\\ v\n');
  });

  it('refuses two keys that become the same properties key, naming both', () => {
    const entries = [entry('A/B', 'canary'), entry('A.B', 'canary')];
    expect(() => propertiesFormat.document(entries)).toThrow('keys "A/B" and "A.B" are both "A.B" in properties');
    expect(() => propertiesFormat.document(entries)).not.toThrow(/canary/);
  });

  it('is empty for no entries', () => {
    expect(propertiesFormat.document([])).toBe('');
  });
});

/** Both java.util.Properties loads, as objects, with a check that they agree. */
function loadBoth(text: string): Record<string, string> {
  const { stream, reader } = readJavaProperties(tempFile(text, '.properties'));
  expect(Object.fromEntries(reader)).toEqual(Object.fromEntries(stream));
  return Object.fromEntries(stream);
}

describe('properties round trip', () => {
  afterAll(removeTempFiles);

  it('reads every value back byte-exact through load(InputStream) and load(Reader); refuses nothing', () => {
    fc.assert(
      fc.property(valueBatch, (values) => {
        const doc = propertiesFormat.document(values.map((value, i) => entry(`K${i}`, value)));
        expect(/^[\x20-\x7e\n]*$/.test(doc)).toBe(true);
        expect(loadBoth(doc)).toEqual(Object.fromEntries(values.map((value, i) => [`K${i}`, value])));
      }),
      { numRuns: 20 },
    );
  });

  it('reads arbitrary keys back, or refuses only a dotted-key collision', () => {
    const entries = fc
      .uniqueArray(fc.tuple(keyPath, anyValue), { minLength: 1, maxLength: 60, selector: ([key]) => key })
      .map((pairs) => pairs.map(([key, value]) => entry(key, value)));
    fc.assert(
      fc.property(entries, (list) => {
        const names = list.map(({ key }) => key.replaceAll('/', '.'));
        const collides = new Set(names).size < names.length;
        let doc: string;
        try {
          doc = propertiesFormat.document(list);
        } catch (error) {
          expect(error).toBeInstanceOf(Unrepresentable);
          expect(collides).toBe(true);
          return;
        }
        expect(collides).toBe(false);
        expect(loadBoth(doc)).toEqual(Object.fromEntries(list.map(({ value }, i) => [names[i], value])));
      }),
      { numRuns: 15 },
    );
  });
});
