import { afterAll, describe, expect, it } from 'vitest';
import { environmentLayer, fileLayer, flatten, sourceLayer, valuesLayer } from '../../../src/data/layers';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

const s = scratch();
afterAll(() => s.cleanup());

const thrown = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  return expect.fail('expected a ConfigError');
};

describe('flatten', () => {
  it('writes lists of plain values as StringLists, whatever their type, and refuses a list holding a mapping or a null', () => {
    expect(flatten({ L: [1, true, 'x'] }, 'yaml', 'a.yaml')).toEqual([{ key: 'L', value: '1,true,x', type: 'StringList', layer: 'yaml', origin: 'a.yaml' }]);
    expect(thrown(() => flatten({ A: { L: [{ x: 1 }] } }, 'yaml', 'a.yaml')).message).toBe(
      '`A/L` in a.yaml is a list of mappings; only lists of plain values can be a value',
    );
    expect(() => flatten({ L: ['a', null] }, 'json', 'b.json')).toThrow(/`L` in b\.json is a list of mappings/);
  });

  it('names the full key that cannot be a key, and says why', () => {
    const error = thrown(() => flatten({ APP: { 'a b': 'v' } }, 'json', 'd.json'));
    expect(error.message).toBe('`APP/a b` in d.json cannot be a key');
    expect(error.hint).toBe('keys hold only letters, digits and _ . - (nesting makes the /)');
  });

  it('refuses a file that holds a value instead of a mapping', () => {
    expect(thrown(() => flatten('just text', 'yaml', 'c.yaml')).message).toBe('c.yaml must hold a mapping of keys to values');
    expect(thrown(() => flatten(5, 'json', 'c.json')).message).toBe('c.json must hold a mapping of keys to values');
    // A list at the top would otherwise become one StringList under the empty key.
    expect(thrown(() => flatten(['a', 'b'], 'yaml', 'l.yaml')).message).toBe('l.yaml must hold a mapping of keys to values');
  });

  it('keeps each value with its layer and origin, numbers and booleans as text', () => {
    expect(valuesLayer({ A: { B: 5, C: false } })).toEqual([
      { key: 'A/B', value: '5', type: 'String', layer: 'defaults', origin: '`defaults.values`' },
      { key: 'A/C', value: 'false', type: 'String', layer: 'defaults', origin: '`defaults.values`' },
    ]);
  });
});

describe('fileLayer', () => {
  it('names a defaults file it cannot read, and where its path is set', () => {
    const error = thrown(() => fileLayer(s.path('missing.yaml'), 'yaml'));
    expect(error.message).toBe(`Cannot read defaults file \`${s.path('missing.yaml')}\` (ENOENT)`);
    expect(error.hint).toBe("check `defaults.files` in the config file; relative paths start at the config file's directory");
  });

  it('names a YAML file that does not parse, without quoting it', () => {
    const file = s.write('bad.yaml', 'A: [unclosed canary-9\n');
    const error = thrown(() => fileLayer(file, 'yaml'));
    expect(error.message).toBe(`Defaults file \`${file}\` is not valid YAML`);
    expect(error.hint).toBe('check its syntax');
  });

  it('reads an empty file as no values', () => {
    expect(fileLayer(s.write('empty.yaml', ''), 'yaml')).toEqual([]);
    expect(fileLayer(s.write('null.json', 'null'), 'json')).toEqual([]);
  });
});

describe('sourceLayer and environmentLayer', () => {
  it('records where a named parameter came from, selector included, and its type and version', () => {
    const [entry] = sourceLayer([], '/P/S/', new Map([['DB', { name: '/shared/db', selector: ':3', type: 'SecureString', value: 'v', version: 3 }]]));
    expect(entry).toEqual({ key: 'DB', value: 'v', type: 'SecureString', layer: 'parameter-store', origin: '/shared/db:3', version: 3 });
  });

  it('fills a key known only from its aliases, by its own name first, then each alias in order; an empty value counts', () => {
    const aliases = new Map([['DB/PASSWORD', ['FIRST', 'SECOND']]]);
    expect(environmentLayer([], { SECOND: 's', FIRST: '' }, aliases)).toEqual([
      { key: 'DB/PASSWORD', value: '', type: 'String', layer: 'environment', origin: 'FIRST' },
    ]);
    expect(environmentLayer([], { SECOND: 's' }, aliases).map((e) => e.origin)).toEqual(['SECOND']);
    expect(environmentLayer(['DB/PASSWORD'], { SECOND: 's', DB_PASSWORD: 'own' }, aliases).map((e) => [e.origin, e.value])).toEqual([['DB_PASSWORD', 'own']]);
  });
});
