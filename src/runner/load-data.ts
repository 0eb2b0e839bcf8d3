import type { Config } from '../config/config';
import { buildDataSet, type DataSet } from '../data/dataset';
import type { DataEntry } from '../data/entry';
import { environmentLayer, fileLayer, valuesLayer } from '../data/layers';
import type { Override } from '../data/layer-sources';
import { ParameterNotFoundError } from '../errors';
import { withNearMisses, type NearMissFinder } from '../source/near-misses';
import type { ParameterSource } from '../source/types';
import { readSources, sourcesFor } from './read-sources';

export interface LoadOptions {
  /** Looks for names close to a missing one (another ENV, another letter case); absent: no search. */
  readonly nearMisses?: NearMissFinder | undefined;
  /** The source of each of `sources:` that reads elsewhere (its own region, endpoint or role), by position; absent or undefined: the main source. */
  readonly sources?: readonly (ParameterSource | undefined)[] | undefined;
  /** Told of every key two sources supplied (never the values). */
  readonly onOverride?: ((override: Override) => void) | undefined;
}

async function fromSourcesExplained(config: Config, source: ParameterSource, signal: AbortSignal | undefined, options: LoadOptions): Promise<DataEntry[]> {
  try {
    const { entries, overrides } = await readSources(config, sourcesFor(config, source, options.sources), signal);
    for (const override of overrides) options.onOverride?.(override);
    return entries;
  } catch (error) {
    if (!(error instanceof ParameterNotFoundError) || signal?.aborted) throw error;
    const { prefix, env } = config.settings;
    throw await withNearMisses(error, options.nearMisses, { prefix: prefix.value, env: env.value });
  }
}

/**
 * Build the data every destination renders from, in the guide's order: the sources (Parameter
 * Store, in the order of `sources:`, the last winning; or in local dev mode the local values), then
 * the environment, then YAML defaults files, then JSON defaults files, then `defaults.values`. A
 * failed fetch throws; it never becomes empty data.
 */
export async function loadData(config: Config, source: ParameterSource, signal?: AbortSignal, options: LoadOptions = {}): Promise<DataSet> {
  const fromStore = await fromSourcesExplained(config, source, signal, options);
  const files = [...config.defaults.yamlFiles.map((f) => fileLayer(f, 'yaml')), ...config.defaults.jsonFiles.map((f) => fileLayer(f, 'json'))];
  const values = valuesLayer(config.defaults.values);
  const known = new Set([...[...files, values].flat().map((e) => e.key), ...config.required, ...config.parameters.keys()]);
  // The environment fills only keys the source did not supply: it would lose to it in the merge.
  for (const entry of fromStore) known.delete(entry.key);
  const environment = environmentLayer(known, config.settings.environment, config.aliases);
  return buildDataSet([fromStore, environment, ...files, values]);
}
