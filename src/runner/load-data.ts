import type { Config } from '../config/config';
import { buildDataSet, type DataSet } from '../data/dataset';
import type { DataEntry } from '../data/entry';
import { envNameOf } from '../data/keys';
import { environmentLayer, fileLayer, parameterStoreLayer, valuesLayer } from '../data/layers';
import { ParameterNotFoundError, RenderError } from '../errors';
import { withNearMisses, type NearMissFinder } from '../source/near-misses';
import type { Parameter, ParameterSource } from '../source/types';

export interface LoadOptions {
  /** Looks for names close to a missing one (another ENV, another letter case); absent: no search. */
  readonly nearMisses?: NearMissFinder | undefined;
  /** Local dev mode: false lists what there is without failing on a missing `required` key (for `ls`). */
  readonly checkRequired?: boolean | undefined;
}

/** Where the parameters were read, for messages: `/ELASMETRICS/STAGING/ (ENV=STAGING from ENV (environment))`. */
export function describePath(config: Config): string {
  const { env, path } = config.settings;
  return `${path} (ENV=${env.value} from ${env.from})`;
}

async function parameterStore(
  config: Config,
  source: ParameterSource,
  signal: AbortSignal | undefined,
  finder: NearMissFinder | undefined,
): Promise<DataEntry[]> {
  try {
    return await fromParameterStore(config, source, signal);
  } catch (error) {
    if (!(error instanceof ParameterNotFoundError) || signal?.aborted) throw error;
    const { prefix, env } = config.settings;
    throw await withNearMisses(error, finder, { prefix: prefix.value, env: env.value });
  }
}

async function fromParameterStore(config: Config, source: ParameterSource, signal: AbortSignal | undefined): Promise<DataEntry[]> {
  const path = config.settings.path;
  const byPath = await source.byPath(path, { signal });
  const byName = config.parameters.size > 0 ? await source.byNames([...config.parameters.values()], { signal }) : new Map<string, Parameter>();
  const named = new Map([...config.parameters].map(([key, name]) => [key, byName.get(name) as Parameter]));
  const entries = parameterStoreLayer(byPath, path, named);
  // The path's keys come first in the layer. Only named and required keys need them as a set, and
  // most configs have neither: 10,000 keys would make a megabyte of garbage.
  const pathKeys = named.size > 0 || config.required.length > 0 ? new Set(entries.slice(0, byPath.length).map((e) => e.key)) : new Set<string>();
  for (const key of named.keys()) {
    if (pathKeys.has(key)) {
      throw new RenderError(`Key \`${key}\` comes both from ${path}${key} and from \`parameters.${key}\``, {
        hint: 'give the named parameter another key under `parameters:`',
      });
    }
  }
  if (byPath.length === 0 && named.size === 0 && !config.allowEmpty) {
    throw new ParameterNotFoundError(`Parameter not found: nothing under ${describePath(config)}`, [path], {
      hint: `check ENV and PARAMETER_STORE_PREFIX match where the parameters live (names are case-sensitive); set \`allow_empty: true\` if an empty path is expected`,
    });
  }
  const missing = config.required.filter((key) => !pathKeys.has(key) && !named.has(key));
  if (missing.length > 0) {
    const names = missing.map((key) => `${path}${key}`);
    throw new ParameterNotFoundError(`Parameter not found: ${names.join(', ')} (required)`, names, {
      hint: `read ${describePath(config)}: check ENV and PARAMETER_STORE_PREFIX, or create it with \`ssm-render put\``,
    });
  }
  return entries;
}

/**
 * Build the data every destination renders from, in the guide's order: Parameter Store, then the
 * environment, then YAML defaults files, then JSON defaults files, then `defaults.values`.
 * A failed fetch throws; it never becomes empty data.
 */
export async function loadData(config: Config, source: ParameterSource | undefined, signal?: AbortSignal, options: LoadOptions = {}): Promise<DataSet> {
  const local = config.settings.local.value;
  if (!local && !source) throw new Error('a Parameter Store source is needed outside local dev mode');
  const fromStore = local ? [] : await parameterStore(config, source as ParameterSource, signal, options.nearMisses);
  const files = [...config.defaults.yamlFiles.map((f) => fileLayer(f, 'yaml')), ...config.defaults.jsonFiles.map((f) => fileLayer(f, 'json'))];
  const values = valuesLayer(config.defaults.values);
  const known = new Set([...[...files, values].flat().map((e) => e.key), ...config.required, ...config.parameters.keys()]);
  // The environment fills only keys Parameter Store did not supply: it would lose to it in the merge.
  if (known.size > 0) fromStore.forEach((entry) => known.delete(entry.key));
  const environment = environmentLayer(known, config.settings.environment, config.aliases);
  const data = buildDataSet([fromStore, environment, ...files, values]);
  if (local && options.checkRequired !== false) {
    const missing = config.required.filter((key) => !data.entries.get(key)?.value);
    if (missing.length > 0) {
      const names = missing.map((key) => {
        const aliases = config.aliases.get(key) ?? [];
        return `${key} (set ${[envNameOf(key), ...aliases].join(' or ')})`;
      });
      throw new ParameterNotFoundError(`Parameter not found in local dev mode: ${names.join(', ')}`, missing, {
        hint: 'local dev mode reads the environment, .env files and the defaults files; set the variable, or turn LOCAL_DEV_MODE off to read Parameter Store',
      });
    }
  }
  return data;
}
