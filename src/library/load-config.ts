import type { SSMClient } from '@aws-sdk/client-ssm';
import { resolveConfig } from '../config/config';
import type { Resolved } from '../config/settings';
import { templateReferences } from '../render/referenced-keys';
import { templateContext } from '../render/template-context';
import { loadData } from '../runner/load-data';
import { openParameterStore, parameterStoreSettings } from '../source/open-parameter-store';

export interface LoadConfigOptions {
  /** Where `.env`, `.env.<env>` and `ssm-render.yaml` are looked for; default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /**
   * The environment variables ssm-render's settings read (ENV, AWS_REGION, AWS_ENDPOINT_URL, ...);
   * default `process.env`. `.env` files never override them. AWS credentials always come from the
   * SDK's own chain.
   */
  readonly environment?: Readonly<Record<string, string | undefined>> | undefined;
  /** The config file (like `--config`); default SSM_RENDER_CONFIG, then `./ssm-render.yaml` when present. */
  readonly configFile?: string | undefined;
  /** Like `--prefix`: wins over PARAMETER_STORE_PREFIX. */
  readonly prefix?: string | undefined;
  /** Like `--env`: wins over ENV. */
  readonly env?: string | undefined;
  /** Like `--region`: wins over AWS_REGION. */
  readonly region?: string | undefined;
  /** Like `--endpoint-url`. */
  readonly endpoint?: string | undefined;
  /** Like `--local`: local dev mode whatever LOCAL_DEV_MODE says. */
  readonly local?: boolean | undefined;
  /** Your own SSMClient; default one made from the settings and closed afterwards. */
  readonly client?: SSMClient | undefined;
}

/** The settings as resolved, each with where it came from (flag, environment, `.env` file, config file, default). */
export interface ConfigSettings {
  readonly USE_PARAMETER_STORE: Resolved<boolean>;
  readonly LOCAL_DEV_MODE: Resolved<boolean>;
  readonly ENV: Resolved<string>;
  readonly AWS_REGION: Resolved<string> | undefined;
  readonly PARAMETER_STORE_PREFIX: Resolved<string>;
}

export interface ConfigMeta {
  readonly env: string;
  readonly prefix: string;
  /** `/<prefix>/<env>/` */
  readonly path: string;
  readonly region: string | undefined;
  /** True in local dev mode: no AWS call was made. */
  readonly local: boolean;
  readonly settings: ConfigSettings;
}

/**
 * The merged data in the guide's precedence (Parameter Store > environment > YAML > JSON >
 * `defaults.values`), shaped as templates see it: sections by key path (`config.MYSQL.PASSWORD`),
 * plus `params` (relative keys), `env` (environment names), `lists` (StringLists) and `meta`.
 */
export interface LoadedConfig {
  readonly [section: string]: unknown;
  readonly params: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly lists: Readonly<Record<string, readonly string[]>>;
  readonly meta: ConfigMeta;
}

/** Rebuild prototype-less objects as plain ones; keys are defined, never assigned (`__proto__` stays a key). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/**
 * The guide's `ConfigLoader.load_config()`: the same settings, `.env` files, config file and local
 * dev mode as the CLI. Throws the CLI's typed errors (ParameterNotFoundError for a `required` key, ...).
 */
export async function loadConfig<Sections extends object = Record<never, never>>(options: LoadConfigOptions = {}): Promise<LoadedConfig & Sections> {
  const environment = options.environment ?? process.env;
  const config = resolveConfig({
    flags: {
      config: options.configFile,
      prefix: options.prefix,
      env: options.env,
      region: options.region,
      endpointUrl: options.endpoint,
      local: options.local,
    },
    env: environment,
    cwd: options.cwd ?? process.cwd(),
  });
  const s = config.settings;
  // The variables handed in (not only process.env, which the SDK reads itself) decide the endpoint: settings resolved it.
  const store = await openParameterStore({
    ...parameterStoreSettings(config, { templates: () => templateReferences(config.templates) }),
    client: options.client,
  });
  try {
    const data = await loadData(config, store.source, undefined, { nearMisses: store.nearMisses, sources: store.sources });
    const region = store.region?.value ?? s.region?.value;
    const settings: ConfigSettings = {
      USE_PARAMETER_STORE: s.useParameterStore,
      LOCAL_DEV_MODE: s.localDevMode,
      ENV: s.env,
      AWS_REGION: s.region ?? store.region,
      PARAMETER_STORE_PREFIX: s.prefix,
    };
    const context = templateContext(data, { env: s.env.value, prefix: s.prefix.value, path: s.path, region, local: s.local.value });
    return {
      ...(plain(context) as Record<string, unknown>),
      meta: { env: s.env.value, prefix: s.prefix.value, path: s.path, region, local: s.local.value, settings },
    } as LoadedConfig & Sections;
  } finally {
    store.close();
  }
}
