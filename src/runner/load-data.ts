import type { Config } from '../config/config';
import { describePath } from '../config/settings';
import { buildDataSet, type DataSet } from '../data/dataset';
import type { DataEntry } from '../data/entry';
import { environmentLayer, fileLayer, sourceLayer, valuesLayer } from '../data/layers';
import { ParameterNotFoundError, RenderError } from '../errors';
import { withNearMisses, type NearMissFinder } from '../source/near-misses';
import type { Parameter, ParameterSource } from '../source/types';

export interface LoadOptions {
  /** Looks for names close to a missing one (another ENV, another letter case); absent: no search. */
  readonly nearMisses?: NearMissFinder | undefined;
}

async function fromSourceExplained(
  config: Config,
  source: ParameterSource,
  signal: AbortSignal | undefined,
  finder: NearMissFinder | undefined,
): Promise<DataEntry[]> {
  try {
    return await fromSource(config, source, signal);
  } catch (error) {
    if (!(error instanceof ParameterNotFoundError) || signal?.aborted) throw error;
    const { prefix, env } = config.settings;
    throw await withNearMisses(error, finder, { prefix: prefix.value, env: env.value });
  }
}

/** The path and the named parameters, checked: no key from both, something there (or `allow_empty`), every `required` key. */
async function fromSource(config: Config, source: ParameterSource, signal: AbortSignal | undefined): Promise<DataEntry[]> {
  const path = config.settings.path;
  const byPath = await source.byPath(path, { signal });
  const byName = config.parameters.size > 0 ? await source.byNames([...config.parameters.values()], { signal }) : new Map<string, Parameter>();
  const named = new Map([...config.parameters].map(([key, name]) => [key, byName.get(name) as Parameter]));
  const entries = sourceLayer(byPath, path, named);
  const pathKeys = new Set(entries.slice(0, byPath.length).map((e) => e.key));
  for (const key of named.keys()) {
    if (pathKeys.has(key)) {
      throw new RenderError(`Key \`${key}\` comes both from ${path}${key} and from \`parameters.${key}\``, {
        hint: 'give the named parameter another key under `parameters:`',
      });
    }
  }
  const where = describePath(config.settings) ?? path;
  if (byPath.length === 0 && named.size === 0 && !config.allowEmpty) {
    const empty = source.notFound({ path, where, keys: [] });
    if (empty) throw new ParameterNotFoundError(empty.message, empty.names, { hint: `${empty.hint}; set \`allow_empty: true\` if an empty path is expected` });
  }
  // Parameter Store holds no empty value; in local dev mode an empty variable is as good as unset.
  const values = new Map(entries.map((e) => [e.key, e.value]));
  const missing = config.required.filter((key) => !values.get(key));
  if (missing.length > 0)
    throw source.notFound({ path, where, keys: missing }) ?? new ParameterNotFoundError(`Parameter not found: ${missing.join(', ')}`, missing);
  return entries;
}

/**
 * Build the data every destination renders from, in the guide's order: the source (Parameter Store,
 * or in local dev mode the local values), then the environment, then YAML defaults files, then JSON
 * defaults files, then `defaults.values`. A failed fetch throws; it never becomes empty data.
 */
export async function loadData(config: Config, source: ParameterSource, signal?: AbortSignal, options: LoadOptions = {}): Promise<DataSet> {
  const fromStore = await fromSourceExplained(config, source, signal, options.nearMisses);
  const files = [...config.defaults.yamlFiles.map((f) => fileLayer(f, 'yaml')), ...config.defaults.jsonFiles.map((f) => fileLayer(f, 'json'))];
  const values = valuesLayer(config.defaults.values);
  const known = new Set([...[...files, values].flat().map((e) => e.key), ...config.required, ...config.parameters.keys()]);
  // The environment fills only keys the source did not supply: it would lose to it in the merge.
  for (const entry of fromStore) known.delete(entry.key);
  const environment = environmentLayer(known, config.settings.environment, config.aliases);
  return buildDataSet([fromStore, environment, ...files, values]);
}
