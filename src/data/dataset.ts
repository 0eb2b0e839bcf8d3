import type { DataEntry } from './entry';
import { assignEnvNames } from './keys';
import { mergeLayers } from './merge';

/** A key of the merged data with its environment-variable name and its value. */
export interface NamedEntry {
  readonly key: string;
  /** e.g. `MYSQL_PASSWORD`: validated, and no other key has it. */
  readonly envName: string;
  readonly value: string;
}

/** The merged data every destination renders from. */
export interface DataSet {
  /** Sorted by key. */
  readonly entries: ReadonlyMap<string, DataEntry>;
  /** The same keys in the same order, with their environment-variable names: what the formats write. */
  readonly named: readonly NamedEntry[];
}

export function buildDataSet(layers: readonly (readonly DataEntry[])[]): DataSet {
  const entries = mergeLayers(layers);
  const names = assignEnvNames([...entries.keys()]);
  const named = [...entries.values()].map(({ key, value }, i): NamedEntry => ({ key, envName: names[i] as string, value }));
  return { entries, named };
}
