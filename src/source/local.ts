import type { Config } from '../config/config';
import type { DataEntry } from '../data/entry';
import { envNameOf } from '../data/keys';
import { environmentLayer, fileLayer, valuesLayer } from '../data/layers';
import { mergeLayers } from '../data/merge';
import { ConfigError, ParameterNotFoundError } from '../errors';
import { RELATIVE_KEY, withTrailingSlash } from '../parameter-naming';
import type { ParameterAdmin } from './ssm-admin';
import type { FetchOptions, Parameter, ParameterSource } from './types';

/** What the templates refer to, read again at every fetch: a template may change under `watch`. */
export interface TemplateReferences {
  readonly keys: Iterable<string>;
  readonly envNames: Iterable<string>;
}

export interface LocalSourceOptions {
  readonly templates?: (() => TemplateReferences) | undefined;
}

/** A key nothing else supplies and some other key sits under (`MYSQL` beside `MYSQL/HOST`) names a group, not a value. */
function isGroup(key: string, keys: ReadonlySet<string>): boolean {
  for (const other of keys) if (other.startsWith(`${key}/`)) return true;
  return false;
}

/**
 * Local dev mode as a source: values from the environment (the process's over the `.env` files),
 * then the YAML and JSON defaults files, then `defaults.values`, in the guide's order, with no
 * client, no credentials and no network. The environment fills every key known from a defaults
 * layer, from the config (`required`, `parameters`, `aliases`) or from a template (`{{MYSQL.HOST}}`,
 * `{{lookup params "MYSQL/HOST"}}`, `{{env.MYSQL_HOST}}`): by its env name, then by its aliases.
 * Keys live under the configured `/<prefix>/<env>/` (a placeholder when neither is set), so a
 * render and `get` read the same value for the same key.
 */
export function localSource(config: Config, options: LocalSourceOptions = {}): ParameterSource {
  const { settings } = config;
  const base = settings.path;
  // Named parameters answer by name (`byNames`), and stay out of the path's answer, as in Parameter Store.
  const namedKeys = new Set(config.parameters.keys());
  const keyOfName = new Map([...config.parameters].map(([key, name]) => [name, key]));

  /** Every local value for the known keys and `extra`, merged in the guide's order. */
  const entries = (extra: readonly string[]): Map<string, DataEntry> => {
    const files = [...config.defaults.yamlFiles.map((f) => fileLayer(f, 'yaml')), ...config.defaults.jsonFiles.map((f) => fileLayer(f, 'json'))];
    const values = valuesLayer(config.defaults.values);
    const known = new Set([...[...files, values].flat().map((e) => e.key), ...config.required, ...namedKeys, ...config.aliases.keys(), ...extra]);
    const referenced = options.templates?.();
    if (referenced) {
      const keys = [...referenced.keys].filter((k) => RELATIVE_KEY.test(k));
      const all = new Set([...known, ...keys]);
      for (const key of keys) if (!known.has(key) && !isGroup(key, all)) known.add(key);
      // `{{env.MYSQL_HOST}}` with no key of that env name: the key spelled as the name itself.
      const envNames = new Set([...known].map(envNameOf));
      for (const name of referenced.envNames) if (!envNames.has(name) && RELATIVE_KEY.test(name)) known.add(name);
    }
    return mergeLayers([environmentLayer(known, settings.environment, config.aliases), ...files, values]);
  };

  const toParameter = (name: string, e: DataEntry): Parameter => ({
    name,
    type: e.type,
    value: e.value,
    version: 0,
    layer: e.layer === 'parameter-store' ? undefined : e.layer,
    origin: e.origin,
  });

  /** Keys without a value, named by the variables that would set them. */
  const missing = (keys: readonly string[]) => {
    const names = keys.map((key) => `${key} (set ${[envNameOf(key), ...(config.aliases.get(key) ?? [])].join(' or ')})`);
    return new ParameterNotFoundError(`Parameter not found in local dev mode: ${names.join(', ')}`, keys, {
      hint: 'local dev mode reads the environment, .env files and the defaults files; set the variable, or turn LOCAL_DEV_MODE off to read Parameter Store',
    });
  };

  const keyOf = (name: string): string => {
    const key = keyOfName.get(name) ?? (name.startsWith(base) ? name.slice(base.length) : '');
    if (key !== '') return key;
    throw new ConfigError(`Local dev mode reads keys, and \`${name}\` is not under ${settings.pathKnown ? base : 'a configured /<prefix>/<env>/'}`, {
      hint: 'give a key such as MYSQL/PASSWORD, or turn LOCAL_DEV_MODE off to read Parameter Store',
    });
  };

  return {
    async byPath(path: string, { recursive = true }: FetchOptions = {}): Promise<Parameter[]> {
      const full = withTrailingSlash(path);
      if (!full.startsWith(base)) return [];
      const under = full.slice(base.length);
      const found: Parameter[] = [];
      for (const [key, e] of entries([])) {
        if (namedKeys.has(key) || !key.startsWith(under) || (!recursive && key.slice(under.length).includes('/'))) continue;
        found.push(toParameter(`${base}${key}`, e));
      }
      return found;
    },

    async byNames(names: readonly string[]): Promise<Map<string, Parameter>> {
      const keys = names.map(keyOf);
      const data = entries(keys);
      const absent = [...new Set(keys.filter((key) => !data.get(key)?.value))];
      if (absent.length > 0) throw missing(absent);
      return new Map(names.map((name, i) => [name, toParameter(name, data.get(keys[i] as string) as DataEntry)]));
    },

    notFound: ({ keys }) => (keys.length === 0 ? undefined : missing(keys)),
  };
}

/** The admin operations in local dev mode: `get` reads the local values; nothing is written, nothing described. */
export function localAdmin(source: ParameterSource): ParameterAdmin {
  const refuse = (operation: string) =>
    new ConfigError(`${operation} writes to Parameter Store, but local dev mode is on`, {
      hint: 'run it with LOCAL_DEV_MODE=false USE_PARAMETER_STORE=true (the real environment wins over .env files)',
    });
  return {
    get: async (name) => (await source.byNames([name])).get(name) as Parameter,
    put: async () => Promise.reject(refuse('PutParameter')),
    delete: async () => Promise.reject(refuse('DeleteParameter')),
    describe: async () => [],
  };
}
