import { RenderError } from '../errors';

/** Values nested by key path: `MYSQL/PASSWORD` -> MYSQL -> PASSWORD. Insertion order is kept. */
export type Tree = Map<string, Tree | string>;

export class TreeConflictError extends RenderError {
  override readonly code = 'KEY_CONFLICT';
}

function conflict(leaf: string, descendant: string): never {
  throw new TreeConflictError(`Key \`${leaf}\` holds a value and is also the parent of \`${descendant}\``, {
    hint: 'nested output (YAML, JSON, {{A.B}} in templates) cannot hold both: rename one parameter, or give it another key with `parameters:`',
  });
}

/** The path, below `tree`, of its first value (to name it in a message). */
function firstPath(tree: Tree): string {
  const [segment, node] = tree.entries().next().value as [string, Tree | string];
  return typeof node === 'string' ? segment : `${segment}/${firstPath(node)}`;
}

/**
 * Nest keys by path. Parameter Store allows both `/A` and `/A/B`; a tree cannot hold `A` as a value
 * and a group at once, so that (or a key given twice) is an error naming both keys.
 */
export function buildTree(entries: readonly { readonly key: string; readonly value: string }[]): Tree {
  const root: Tree = new Map();
  for (const { key, value } of entries) {
    const segments = key.split('/');
    const last = segments.length - 1;
    let node = root;
    for (let i = 0; i < last; i++) {
      const segment = segments[i] as string;
      let child = node.get(segment);
      if (child === undefined) node.set(segment, (child = new Map()));
      else if (typeof child === 'string') conflict(segments.slice(0, i + 1).join('/'), key);
      node = child;
    }
    const leaf = segments[last] as string;
    const existing = node.get(leaf);
    if (typeof existing === 'string') throw new TreeConflictError(`Key \`${key}\` appears twice`);
    if (existing !== undefined) conflict(key, `${key}/${firstPath(existing)}`);
    node.set(leaf, value);
  }
  return root;
}

/** The tree as prototype-less objects, so that a key such as `__proto__` is an ordinary property. */
export function toObject(tree: Tree): Record<string, unknown> {
  const object: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const [key, node] of tree) object[key] = typeof node === 'string' ? node : toObject(node);
  return object;
}
