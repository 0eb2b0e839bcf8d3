import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DataEntry, LayerName } from '../../../src/data/entry';
import { mergeLayers } from '../../../src/data/merge';

const LAYERS: LayerName[] = ['parameter-store', 'environment', 'yaml', 'json', 'defaults'];

/** The merge as the guide defines it: the first layer that has a key wins; keys sorted by UTF-16 code units. */
function reference(layers: readonly (readonly DataEntry[])[]): Array<[string, DataEntry]> {
  const winners = new Map<string, DataEntry>();
  for (const layer of layers) for (const e of layer) if (!winners.has(e.key)) winners.set(e.key, e);
  return [...winners].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// Keys close enough to collide, differ in case, nest (`a` and `a/b`) and sort differently by code unit and by locale.
const key = fc.stringMatching(/^[aAbB_.\-/0-9]{1,4}$/);
const layer = (n: number) =>
  fc
    .array(fc.record({ key, value: fc.string({ maxLength: 3 }) }), { maxLength: 12 })
    .map((rows) => rows.map((r, i): DataEntry => ({ ...r, type: 'String', layer: LAYERS[n] as LayerName, origin: `${LAYERS[n]}#${i}` })));

describe('mergeLayers', () => {
  it('keeps the highest layer of each key and sorts the keys, whatever the layers hold', () => {
    const layers = fc.tuple(layer(0), layer(1), layer(2), layer(3), layer(4));
    fc.assert(
      fc.property(layers, (ls) => {
        expect([...mergeLayers(ls)]).toEqual(reference(ls));
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same when only one layer has keys, in key order or not, repeated or not', () => {
    const single = fc.tuple(layer(0), fc.boolean(), fc.nat(4));
    fc.assert(
      fc.property(single, ([entries, sort, at]) => {
        const one = sort ? [...entries].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : entries;
        const ls = LAYERS.map((_, i) => (i === at ? one : []));
        expect([...mergeLayers(ls)]).toEqual(reference(ls));
      }),
      { numRuns: 500 },
    );
  });
});
