import { requireWellFormed } from './refuse';
import { buildTree, toObject, type Tree } from '../../data/tree';
import type { Entry, Format } from './types';

function jsonScalar(value: string): string {
  requireWellFormed(value);
  return JSON.stringify(value);
}

/** JSON: one nested object by key path, two-space indented. */
export const jsonFormat: Format = {
  name: 'json',
  scalar: jsonScalar,
  document: (entries: readonly Entry[], shared?: () => Tree) => {
    for (const { value } of entries) requireWellFormed(value);
    return `${JSON.stringify(toObject(shared?.() ?? buildTree(entries)), null, 2)}\n`;
  },
};
