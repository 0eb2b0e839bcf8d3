import type { DataEntry } from './entry';

/** Merge layers given highest precedence first; the result is sorted by key. */
export function mergeLayers(layers: readonly (readonly DataEntry[])[]): Map<string, DataEntry> {
  const merged = new Map<string, DataEntry>();
  for (const layer of layers) for (const entry of layer) if (!merged.has(entry.key)) merged.set(entry.key, entry);
  // The default sort orders strings by UTF-16 code units, as `<` compares them.
  const sorted = new Map<string, DataEntry>();
  for (const key of [...merged.keys()].sort()) sorted.set(key, merged.get(key) as DataEntry);
  return sorted;
}
