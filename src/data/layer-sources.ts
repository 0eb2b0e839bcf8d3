import type { DataEntry } from './entry';

/** A key that two sources supplied: where the losing and the winning value came from (never the values). */
export interface Override {
  readonly key: string;
  readonly lower: string;
  readonly upper: string;
}

/**
 * The answers of several sources as one layer, given lowest precedence first: the last source to
 * supply a key wins. Every key supplied twice is reported with both origins.
 */
export function layerSources(answers: readonly (readonly DataEntry[])[]): { entries: DataEntry[]; overrides: Override[] } {
  const byKey = new Map<string, DataEntry>();
  const overrides: Override[] = [];
  for (const answer of answers) {
    for (const entry of answer) {
      const before = byKey.get(entry.key);
      if (before !== undefined) overrides.push({ key: entry.key, lower: before.origin, upper: entry.origin });
      byKey.set(entry.key, entry);
    }
  }
  return { entries: [...byKey.values()], overrides };
}
