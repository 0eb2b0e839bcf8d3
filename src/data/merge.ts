import type { DataEntry } from './entry';

/** Whether every key is greater than the one before it (`<` compares UTF-16 code units, as the default sort). */
function inKeyOrder(entries: readonly DataEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) if (!((entries[i - 1] as DataEntry).key < (entries[i] as DataEntry).key)) return false;
  return true;
}

/** Merge layers given highest precedence first; the result is sorted by key. */
export function mergeLayers(layers: readonly (readonly DataEntry[])[]): Map<string, DataEntry> {
  const filled = layers.filter((layer) => layer.length > 0);
  // Parameter Store alone, the usual case, lists a path in key order: then there is nothing to sort.
  const only = filled.length === 1 ? (filled[0] as readonly DataEntry[]) : undefined;
  if (only && inKeyOrder(only)) {
    const byKey = new Map<string, DataEntry>();
    for (const entry of only) byKey.set(entry.key, entry);
    return byKey;
  }
  const merged = new Map<string, DataEntry>();
  for (const layer of filled) for (const entry of layer) if (!merged.has(entry.key)) merged.set(entry.key, entry);
  const sorted = new Map<string, DataEntry>();
  for (const key of [...merged.keys()].sort()) sorted.set(key, merged.get(key) as DataEntry);
  return sorted;
}
