import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors';
import { NAME_SEGMENT } from '../parameter-naming';
import { parseBoolean } from './booleans';
import { readEnvFile, type EnvFile } from './env-files';
import { loadConfigFile } from './load-file';
import type { ConfigFile } from './schema';

/** The flags every command shares. */
export interface GlobalFlags {
  readonly config?: string | undefined;
  readonly prefix?: string | undefined;
  readonly env?: string | undefined;
  readonly region?: string | undefined;
  readonly endpointUrl?: string | undefined;
  readonly local?: boolean | undefined;
}

export interface SettingsInput {
  readonly flags: GlobalFlags;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** False for commands that work on full names (`get /A/B`): then a missing prefix or env is no error. */
  readonly requirePath?: boolean | undefined;
}

/** A setting's value and where it came from, e.g. `AWS_REGION (.env.staging)`. */
export interface Resolved<T> {
  readonly value: T;
  readonly from: string;
}

export interface Settings {
  /** True when values come from the environment and files only (no AWS at all). */
  readonly local: Resolved<boolean>;
  readonly useParameterStore: Resolved<boolean>;
  readonly localDevMode: Resolved<boolean>;
  readonly prefix: Resolved<string>;
  readonly env: Resolved<string>;
  readonly region: Resolved<string> | undefined;
  /** From --endpoint-url, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL (environment or `.env`), the config file. */
  readonly endpoint: Resolved<string> | undefined;
  /**
   * Where STS calls go for a source's `role_arn`: AWS_ENDPOINT_URL_STS (`specific`), else --endpoint-url,
   * AWS_ENDPOINT_URL, the config file's `endpoint` (never AWS_ENDPOINT_URL_SSM, which is Parameter Store's alone).
   */
  readonly stsEndpoint: (Resolved<string> & { readonly specific: boolean }) | undefined;
  /** `/<prefix>/<env>/` */
  readonly path: string;
  /** Whether both the prefix and the env were set somewhere, so that `path` means something. */
  readonly pathKnown: boolean;
  readonly configFile: string | undefined;
  readonly envFiles: readonly string[];
  /** The process environment over the `.env` files: what the guide calls "environment variables". */
  readonly environment: Readonly<Record<string, string>>;
  readonly file: ConfigFile;
  /** Relative paths in the config file resolve against this directory. */
  readonly baseDir: string;
}

function pick<T>(...candidates: Array<Resolved<T> | undefined>): Resolved<T> | undefined {
  return candidates.find((c) => c !== undefined);
}

function fromValue<T>(value: T | undefined, from: string): Resolved<T> | undefined {
  return value === undefined ? undefined : { value, from };
}

/** Looks a variable up in the process environment, then in the `.env` files, highest first. */
function variables(processEnv: SettingsInput['env'], files: readonly EnvFile[]) {
  return (name: string): Resolved<string> | undefined => {
    const own = processEnv[name];
    if (own !== undefined) return { value: own, from: `${name} (environment)` };
    for (const f of files) {
      const value = f.values[name];
      if (value !== undefined) return { value, from: `${name} (${f.file})` };
    }
    return undefined;
  };
}

function normalizePrefix(raw: Resolved<string>): Resolved<string> {
  const parts = raw.value.split('/').filter((p) => p !== '');
  const bad = parts.find((p) => !NAME_SEGMENT.test(p));
  if (bad !== undefined) {
    throw new ConfigError(`Expected the prefix to be a path such as \`/ELASMETRICS\`, got \`${raw.value}\` (from ${raw.from})`, {
      hint: 'parameter names may hold only letters, digits and _ . - /',
    });
  }
  return { value: parts.length ? `/${parts.join('/')}` : '', from: raw.from };
}

function checkEnvName(env: Resolved<string>): Resolved<string> {
  if (!NAME_SEGMENT.test(env.value)) {
    throw new ConfigError(`Expected ENV to be a name such as \`STAGING\`, got \`${env.value}\` (from ${env.from})`, {
      hint: 'ENV is one level of the parameter path: letters, digits, _ . - only',
    });
  }
  return env;
}

function findConfigFile(input: SettingsInput, base: EnvFile | undefined): string | undefined {
  const named = input.flags.config ?? input.env['SSM_RENDER_CONFIG'] ?? base?.values['SSM_RENDER_CONFIG'];
  if (named !== undefined) return resolve(input.cwd, named);
  const fallback = resolve(input.cwd, 'ssm-render.yaml');
  return existsSync(fallback) ? fallback : undefined;
}

function bool(lookup: ReturnType<typeof variables>, name: string, fallback: boolean): Resolved<boolean> {
  const found = lookup(name);
  return found ? { value: parseBoolean(name, found.value, found.from), from: found.from } : { value: fallback, from: 'default' };
}

/**
 * Resolve every setting, highest first: flags, the process environment, `.env.<env>` then `.env`
 * (which never override the real environment), the config file, defaults.
 */
export function resolveSettings(input: SettingsInput): Settings {
  const base = readEnvFile(input.cwd, '.env');
  const configFile = findConfigFile(input, base);
  const file: ConfigFile = configFile ? loadConfigFile(configFile) : {};
  const configName = configFile ? `config file ${configFile}` : 'config file';

  const early = variables(input.env, base ? [base] : []);
  const envSetting = pick(fromValue(input.flags.env, '--env'), early('ENV'), fromValue(file.env, `env (${configName})`));
  const specific = envSetting ? readEnvFile(input.cwd, `.env.${envSetting.value.toLowerCase()}`) : undefined;
  const files = [specific, base].filter((f): f is EnvFile => f !== undefined);
  const lookup = variables(input.env, files);

  const useParameterStore = bool(lookup, 'USE_PARAMETER_STORE', true);
  const localDevMode = bool(lookup, 'LOCAL_DEV_MODE', false);
  const local: Resolved<boolean> = input.flags.local
    ? { value: true, from: '--local' }
    : localDevMode.value
      ? localDevMode
      : !useParameterStore.value
        ? { value: true, from: useParameterStore.from }
        : { value: false, from: 'default' };

  const prefixSetting = pick(fromValue(input.flags.prefix, '--prefix'), lookup('PARAMETER_STORE_PREFIX'), fromValue(file.prefix, `prefix (${configName})`));
  const requirePath = input.requirePath !== false && !local.value;
  if (requirePath && prefixSetting === undefined) {
    throw new ConfigError('No Parameter Store prefix is set', {
      hint: 'set PARAMETER_STORE_PREFIX (e.g. /ELASMETRICS), --prefix, or `prefix:` in ssm-render.yaml; or LOCAL_DEV_MODE=true to work without AWS',
    });
  }
  if (requirePath && envSetting === undefined) {
    throw new ConfigError('No environment is set, so the parameter path is unknown', {
      hint: 'set ENV (e.g. STAGING), --env, or `env:` in ssm-render.yaml: parameters are read from /<prefix>/<ENV>/',
    });
  }
  const prefix = normalizePrefix(prefixSetting ?? { value: '', from: 'default' });
  const env = envSetting ? checkEnvName(envSetting) : { value: '', from: 'default' };

  // Resolved here rather than left to the SDK, so that an injected environment (the library's) counts
  // the same as the process's; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is honoured as the SDK would.
  const ignoreConfigured = lookup('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS');
  const ignored = ignoreConfigured !== undefined && parseBoolean('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', ignoreConfigured.value, ignoreConfigured.from);
  const flagEndpoint = fromValue(input.flags.endpointUrl, '--endpoint-url');
  const fileEndpoint = fromValue(file.endpoint, `endpoint (${configName})`);
  const endpoint = flagEndpoint ?? (ignored ? undefined : pick(lookup('AWS_ENDPOINT_URL_SSM'), lookup('AWS_ENDPOINT_URL'), fileEndpoint));
  const stsSpecific = ignored ? undefined : lookup('AWS_ENDPOINT_URL_STS');
  const stsGeneral = flagEndpoint ?? (ignored ? undefined : pick(lookup('AWS_ENDPOINT_URL'), fileEndpoint));
  const stsEndpoint = stsSpecific ? { ...stsSpecific, specific: true } : stsGeneral ? { ...stsGeneral, specific: false } : undefined;

  const environment: Record<string, string> = {};
  for (const f of [...files].reverse()) Object.assign(environment, f.values);
  for (const [name, value] of Object.entries(input.env)) if (value !== undefined) environment[name] = value;

  return {
    local,
    useParameterStore,
    localDevMode,
    prefix,
    env,
    region: pick(
      fromValue(input.flags.region, '--region'),
      lookup('AWS_REGION'),
      lookup('AWS_DEFAULT_REGION'),
      fromValue(file.region, `region (${configName})`),
    ),
    endpoint,
    stsEndpoint,
    path: `${prefix.value}/${env.value}/`,
    pathKnown: prefixSetting !== undefined && envSetting !== undefined,
    configFile,
    envFiles: files.map((f) => f.file),
    environment,
    file,
    baseDir: configFile ? dirname(configFile) : input.cwd,
  };
}

/** Where a relative name points, for messages: `/ELASMETRICS/STAGING/ (ENV=STAGING from ENV (environment))`; undefined when the prefix or the env is not set. */
export function describePath(settings: Settings): string | undefined {
  return settings.pathKnown ? `${settings.path} (ENV=${settings.env.value} from ${settings.env.from})` : undefined;
}
