import { RenderError } from '../errors';

/** Values nested by key path: `MYSQL/PASSWORD` -> MYSQL -> PASSWORD. Insertion order is kept. */
export type Tree = Map<string, Tree | string>;

export class TreeConflictError extends RenderError {
  override readonly code = 'KEY_CONFLICT';
}

interface Node {
  readonly children: Map<string, Node>;
  key?: string;
  value?: string;
  firstDescendant?: string;
}

function conflict(leaf: string, descendant: string): never {
  throw new TreeConflictError(`Key \`${leaf}\` holds a value and is also the parent of \`${descendant}\``, {
    hint: 'nested output (YAML, JSON, {{A.B}} in templates) cannot hold both: rename one parameter, or give it another key with `parameters:`',
  });
}

/**
 * Nest keys by path. Parameter Store allows both `/A` and `/A/B`; a tree cannot hold `A` as a value
 * and a group at once, so that (or a key given twice) is an error naming both keys.
 */
export function buildTree(entries: Iterable<{ readonly key: string; readonly value: string }>): Tree {
  const root: Node = { children: new Map() };
  for (const { key, value } of entries) {
    let node = root;
    for (const segment of key.split('/')) {
      if (node.key !== undefined) conflict(node.key, key);
      node.firstDescendant ??= key;
      let child = node.children.get(segment);
      if (child === undefined) node.children.set(segment, (child = { children: new Map() }));
      node = child;
    }
    if (node.key !== undefined) throw new TreeConflictError(`Key \`${key}\` appears twice`);
    if (node.firstDescendant !== undefined) conflict(key, node.firstDescendant);
    node.key = key;
    node.value = value;
  }
  const toTree = (node: Node): Tree => new Map([...node.children].map(([segment, child]) => [segment, child.value ?? toTree(child)]));
  return toTree(root);
}

/** The tree as prototype-less objects, so that a key such as `__proto__` is an ordinary property. */
export function toObject(tree: Tree): Record<string, unknown> {
  const object: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, node] of tree) object[key] = typeof node === 'string' ? node : toObject(node);
  return object;
}
