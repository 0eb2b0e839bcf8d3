import { isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import { formatPath } from './issues';

export interface DuplicateKey {
  /** The key's full path, e.g. `templates[0].mode`. */
  readonly path: string;
  readonly line: number;
  readonly firstLine: number;
}

/**
 * The first key that a mapping of the document holds twice, in one pass over every mapping: the
 * yaml package's own check compares each key with all the keys before it.
 */
export function findDuplicateKey(root: unknown, lines: LineCounter): DuplicateKey | undefined {
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lines.linePos(offset).line);
  const pending: Array<{ node: unknown; path: readonly PropertyKey[] }> = [{ node: root, path: [] }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { node, path } = next;
    if (isSeq(node)) {
      node.items.forEach((item, index) => pending.push({ node: item, path: [...path, index] }));
    } else if (isMap(node)) {
      const seen = new Map<string, number | undefined>();
      for (const { key, value } of node.items) {
        // Aliases are not followed: their anchor is checked where it is written.
        if (!isScalar(key)) continue;
        const name = String(key.value);
        const first = seen.get(name);
        if (seen.has(name)) return { path: formatPath([...path, name]), line: lineOf(key.range?.[0]), firstLine: lineOf(first) };
        seen.set(name, key.range?.[0]);
        pending.push({ node: value, path: [...path, name] });
      }
    }
  }
  return undefined;
}
