import type { DataEntry } from './entry';
import { assignEnvNames } from './keys';
import { mergeLayers } from './merge';

/** The merged data every destination renders from. */
export interface DataSet {
  /** Sorted by key. */
  readonly entries: ReadonlyMap<string, DataEntry>;
  /** Key -> environment-variable name, collision-free. */
  readonly envNames: ReadonlyMap<string, string>;
}

export function buildDataSet(layers: readonly (readonly DataEntry[])[]): DataSet {
  const entries = mergeLayers(layers);
  return { entries, envNames: assignEnvNames(entries.keys()) };
}
