import { buildTree, type Tree } from '../../data/tree';
import type { Entry, Format } from './types';
import { yamlScalar } from './yaml-scalar';

// Plain only when no YAML 1.1 or 1.2 resolver reads it as anything but a string: an identifier
// that is not a YAML 1.1 boolean or null word (in any letter case, y and n included).
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_WORD = /^(?:y|yes|n|no|true|false|on|off|null)$/i;

function yamlKey(key: string): string {
  return PLAIN_KEY.test(key) && !RESERVED_WORD.test(key) ? key : yamlScalar(key);
}

// Both parsers reject an implicit key of more than 1024 characters; longer ones use `? key`.
const MAX_IMPLICIT_KEY = 1000;

function writeMapping(tree: Tree, indent: string): string {
  let out = '';
  for (const [segment, node] of tree) {
    const key = yamlKey(segment);
    const head = key.length > MAX_IMPLICIT_KEY ? `${indent}? ${key}\n${indent}:` : `${indent}${key}:`;
    out += typeof node === 'string' ? `${head} ${yamlScalar(node)}\n` : `${head}\n${writeMapping(node, `${indent}  `)}`;
  }
  return out;
}

/** YAML: one nested block mapping by key path, every value a double-quoted string. */
export const yamlFormat: Format = {
  name: 'yaml',
  scalar: yamlScalar,
  document: (entries: readonly Entry[], shared?: () => Tree) => {
    const tree = shared?.() ?? buildTree(entries);
    return tree.size === 0 ? '{}\n' : writeMapping(tree, '');
  },
};
