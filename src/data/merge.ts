import type { DataEntry } from './entry';

/** Merge layers given highest precedence first; the result is sorted by key. */
export function mergeLayers(layers: readonly (readonly DataEntry[])[]): Map<string, DataEntry> {
  const merged = new Map<string, DataEntry>();
  for (const layer of layers) for (const entry of layer) if (!merged.has(entry.key)) merged.set(entry.key, entry);
  return new Map([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
