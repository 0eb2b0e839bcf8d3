import { describe, expect, it } from 'vitest';
import type { DataEntry } from '../../../src/data/entry';
import { expandJson } from '../../../src/data/expand-json';
import { layerSources } from '../../../src/data/layer-sources';
import { RenderError } from '../../../src/errors';

const entry = (value: string): DataEntry => ({ key: 'DB', value, type: 'SecureString', layer: 'parameter-store', origin: '/P/E/DB', version: 1 });
const expanded = (value: string) => Object.fromEntries(expandJson(entry(value), 'sources[0]').map((e) => [e.key, e.value]));

describe('expandJson', () => {
  it('keeps the type and says which field each key came from', () => {
    const [user] = expandJson(entry('{"user":"app"}'), 'sources[0]');
    expect(user).toMatchObject({ key: 'DB/user', value: 'app', type: 'SecureString', origin: '/P/E/DB (JSON user)' });
  });

  it('never writes a number as other text than it was written as', () => {
    for (const text of ['1.50', '12345678901234567890', '1e3']) {
      try {
        expect(expanded(`{"n":${text}}`)).toEqual({ 'DB/n': text });
      } catch (error) {
        // Node 20 does not hand the number's text to the reviver: then only exact whole numbers are taken.
        expect(error).toBeInstanceOf(RenderError);
        expect((error as Error).message).toContain('cannot write back exactly');
      }
    }
    expect(expanded('{"n":5432,"f":false,"s":"1.50"}')).toEqual({ 'DB/n': '5432', 'DB/f': 'false', 'DB/s': '1.50' });
  });

  it('takes an object with a field named like an internal marker as an object', () => {
    expect(expanded('{"a":{"text":"x"},"numberText":"y"}')).toEqual({ 'DB/a/text': 'x', 'DB/numberText': 'y' });
  });

  it('refuses a field that cannot be a key, an empty object, and a bare number', () => {
    expect(() => expanded('{"a b":"x"}')).toThrow('field `DB/a b` cannot be a key');
    expect(() => expanded('{"a":{}}')).toThrow('`DB/a` is an empty object');
    expect(() => expanded('42')).toThrow('its value is a number, not a JSON object');
  });
});

describe('layerSources', () => {
  it('lets the last source win and reports each key supplied twice with both origins', () => {
    const e = (key: string, origin: string): DataEntry => ({ key, value: 'v', type: 'String', layer: 'parameter-store', origin });
    const { entries, overrides } = layerSources([[e('A', '/c/A'), e('B', '/c/B')], [e('A', '/s/A')]]);
    expect(entries.map((x) => [x.key, x.origin])).toEqual([
      ['A', '/s/A'],
      ['B', '/c/B'],
    ]);
    expect(overrides).toEqual([{ key: 'A', lower: '/c/A', upper: '/s/A' }]);
  });
});
