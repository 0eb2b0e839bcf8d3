import type { Entry } from '../../../src/render/formats/types';

/** A parsed mapping, reduced to what a round trip must preserve: string leaves, string keys, sorted. */
export type Shape = string | Array<[string, Shape]>;

export function shapeOf(parsed: unknown): Shape {
  if (typeof parsed === 'string') return parsed;
  let entries: Array<[unknown, unknown]>;
  if (parsed instanceof Map) entries = [...parsed];
  else if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) entries = Object.entries(parsed);
  else throw new Error(`expected a string or a mapping, got ${JSON.stringify(parsed)}`);
  return entries
    .map(([key, value]): [string, Shape] => {
      if (typeof key !== 'string') throw new Error(`expected a string key, got ${String(key)} (${typeof key})`);
      return [key, shapeOf(value)];
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The nested shape entries must read back as, built independently of the formats' tree. */
export function expectedShape(entries: readonly Entry[]): Shape {
  const root = new Map<string, unknown>();
  for (const { key, value } of entries) {
    const path = key.split('/');
    const leaf = path.pop() ?? '';
    let node = root;
    for (const segment of path) {
      if (!node.has(segment)) node.set(segment, new Map());
      node = node.get(segment) as Map<string, unknown>;
    }
    node.set(leaf, value);
  }
  return shapeOf(root);
}

/** Whether some key is also the parent of another (or repeats), which nested formats must refuse. */
export function hasLeafParentConflict(entries: readonly Entry[]): boolean {
  const keys = entries.map((entry) => entry.key);
  return keys.some((a, i) => keys.some((b, j) => i !== j && (a === b || b.startsWith(`${a}/`))));
}
