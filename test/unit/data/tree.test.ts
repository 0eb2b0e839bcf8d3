import { describe, expect, it } from 'vitest';
import { buildTree, toObject, TreeConflictError } from '../../../src/data/tree';

const entries = (...keys: string[]) => keys.map((key) => ({ key, value: `v:${key}` }));

describe('buildTree', () => {
  it('nests by key path and keeps the order given', () => {
    const tree = buildTree(entries('B/Y', 'A', 'B/X'));
    expect([...tree.keys()]).toEqual(['B', 'A']);
    expect(tree.get('B')).toEqual(
      new Map([
        ['Y', 'v:B/Y'],
        ['X', 'v:B/X'],
      ]),
    );
    expect(tree.get('A')).toBe('v:A');
  });

  it('keeps empty segments as keys', () => {
    expect(buildTree(entries('A//B'))).toEqual(new Map([['A', new Map([['', new Map([['B', 'v:A//B']])]])]]));
  });

  it.each([
    [['A', 'A/B/C'], 'Key `A` holds a value and is also the parent of `A/B/C`'],
    [['A/B/C', 'A/X', 'A'], 'Key `A` holds a value and is also the parent of `A/B/C`'],
    [['A/B', 'A/B'], 'Key `A/B` appears twice'],
  ])('refuses %j, naming both keys', (keys, reason) => {
    expect(() => buildTree(entries(...keys))).toThrow(TreeConflictError);
    expect(() => buildTree(entries(...keys))).toThrow(reason);
  });

  it('holds __proto__ and constructor as plain keys', () => {
    const tree = toObject(buildTree(entries('__proto__/x', 'constructor')));
    expect(Object.keys(tree)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });
});
