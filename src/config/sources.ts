import { ConfigError } from '../errors';
import { nameProblem, pathProblem, withTrailingSlash } from '../parameter-naming';
import type { ConfigFile } from './schema';
import type { Resolved, Settings } from './settings';
import type { SourceEntry } from './sources-schema';

/** Where one site of a source sends its calls: the region and the endpoints, each with where it came from. */
export interface SiteSpec {
  /** Undefined: the region every command uses (AWS_REGION, --region, `region:`, the SDK's shared config). */
  readonly region: Resolved<string> | undefined;
  /** Parameter Store's endpoint; undefined: AWS's for the region. */
  readonly endpoint: Resolved<string> | undefined;
  /** STS's endpoint for the source's role; undefined: AWS's for the region. */
  readonly stsEndpoint: Resolved<string> | undefined;
}

export interface RoleSpec {
  readonly arn: string;
  readonly externalId: string | undefined;
}

/** One source of parameters, fully resolved: what it reads, how its keys are named, and where it reads them. */
export interface SourceSpec {
  /** How messages name it: `sources[2]`, or without `sources:` the path and `parameters:`. */
  readonly label: string;
  /** Its position in `sources:` (`--source N`); undefined for the sources a config without `sources:` implies. */
  readonly index: number | undefined;
  /** Every parameter under this path (placeholders substituted, ending with `/`)... */
  readonly path: string | undefined;
  /** ...or these named parameters: key -> name (selectors allowed). */
  readonly names: ReadonlyMap<string, string> | undefined;
  /** Keys are mounted under this (`SECURITY` -> `SECURITY/DB/PASSWORD`). */
  readonly keyPrefix: string | undefined;
  /** The source's own keys (before `key_prefix`) whose JSON object value becomes keys. */
  readonly expandJson: readonly string[];
  readonly role: RoleSpec | undefined;
  readonly primary: SiteSpec;
  /** Read only when the primary is unreachable, fails (5xx) or throttles after retries. */
  readonly fallback: SiteSpec | undefined;
}

/** `/ELASMETRICS/{env}/` -> `/ELASMETRICS/STAGING/`; any other `{...}` is an error naming the setting. */
function substitute(value: string, where: string, settings: Settings): string {
  return value.replace(/\{([^{}]*)\}/g, (whole, name: string) => {
    if (name !== 'env' && name !== 'prefix') {
      throw new ConfigError(`\`${where}\` \`${value}\` holds the placeholder \`${whole}\`, which is not one`, {
        hint: 'the placeholders are {env} (ENV) and {prefix} (PARAMETER_STORE_PREFIX, e.g. /ELASMETRICS)',
      });
    }
    const setting = name === 'env' ? settings.env : settings.prefix;
    if (setting.from === 'default') {
      throw new ConfigError(`\`${where}\` \`${value}\` uses {${name}}, but no ${name === 'env' ? 'environment' : 'prefix'} is set`, {
        hint:
          name === 'env'
            ? 'set ENV (e.g. STAGING), --env, or `env:` in ssm-render.yaml'
            : 'set PARAMETER_STORE_PREFIX, --prefix, or `prefix:` in ssm-render.yaml',
      });
    }
    return setting.value;
  });
}

function sourcePath(raw: string, where: string, settings: Settings): string {
  const path = substitute(raw, where, settings);
  const problem = pathProblem(path);
  if (problem !== undefined) {
    const became = path === raw ? '' : ` (\`${path}\` once substituted)`;
    throw new ConfigError(`Expected \`${where}\` to be a parameter path such as \`/ELASMETRICS/{env}/\`, got \`${raw}\`${became}: ${problem}`);
  }
  return withTrailingSlash(path);
}

function sourceNames(raw: Readonly<Record<string, string>>, where: string, settings: Settings): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, value] of Object.entries(raw)) {
    const name = substitute(value, `${where}.${key}`, settings);
    const problem = nameProblem(name, 'read');
    if (problem !== undefined) throw new ConfigError(`Expected \`${where}.${key}\` to be a parameter name, got \`${value}\`: ${problem}`);
    names.set(key, name);
  }
  return names;
}

/** AWS_ENDPOINT_URL_STS first; then the site's own endpoint when the source sets one; then the endpoint every AWS call shares. */
function stsEndpoint(settings: Settings, own: Resolved<string> | undefined): Resolved<string> | undefined {
  const shared = settings.stsEndpoint;
  if (shared?.specific) return { value: shared.value, from: shared.from };
  return own ?? (shared && { value: shared.value, from: shared.from });
}

function site(settings: Settings, region: Resolved<string> | undefined, ownEndpoint: Resolved<string> | undefined): SiteSpec {
  return { region: region ?? settings.region, endpoint: ownEndpoint ?? settings.endpoint, stsEndpoint: stsEndpoint(settings, ownEndpoint) };
}

function fromEntry(entry: SourceEntry, index: number, settings: Settings): SourceSpec {
  const label = `sources[${index}]`;
  const at = (key: string, value: string | undefined): Resolved<string> | undefined =>
    value === undefined ? undefined : { value, from: `${label}.${key} (config file ${settings.configFile ?? ''})` };
  const region = at('region', entry.region);
  const fallbackRegion = at('fallback_region', entry.fallback_region);
  const fallbackEndpoint = at('fallback_endpoint_url', entry.fallback_endpoint_url);
  return {
    label,
    index,
    path: entry.path === undefined ? undefined : sourcePath(entry.path, `${label}.path`, settings),
    names: entry.names === undefined ? undefined : sourceNames(entry.names, `${label}.names`, settings),
    keyPrefix: entry.key_prefix,
    expandJson: entry.expand_json ?? [],
    role: entry.role_arn === undefined ? undefined : { arn: entry.role_arn, externalId: entry.external_id },
    primary: site(settings, region, at('endpoint_url', entry.endpoint_url)),
    fallback: fallbackRegion === undefined && fallbackEndpoint === undefined ? undefined : site(settings, fallbackRegion ?? region, fallbackEndpoint),
  };
}

/** The sources a config without `sources:` reads, as it always has: the path `/<prefix>/<env>/`, then `parameters:`. */
export function impliedSources(settings: Settings, parameters: ReadonlyMap<string, string>): SourceSpec[] {
  const common = {
    index: undefined,
    keyPrefix: undefined,
    expandJson: [],
    role: undefined,
    primary: site(settings, undefined, undefined),
    fallback: undefined,
  };
  const path: SourceSpec = { ...common, label: settings.path, path: settings.path, names: undefined };
  return parameters.size === 0 ? [path] : [path, { ...common, label: '`parameters:`', path: undefined, names: parameters }];
}

/**
 * The sources to read, in precedence order (the last wins): `sources:` as written, or the path and
 * `parameters:` of a config without it. `parameters:` beside `sources:` is refused: its place among
 * the sources would be a guess, and a `names:` source says it.
 */
export function resolveSources(file: ConfigFile, settings: Settings, parameters: ReadonlyMap<string, string>): { sources: SourceSpec[]; layered: boolean } {
  if (file.sources === undefined) return { sources: impliedSources(settings, parameters), layered: false };
  if (file.parameters !== undefined) {
    throw new ConfigError('The config file sets both `parameters:` and `sources:`', {
      hint: 'move the named parameters into `sources:` as a `names:` source; its place in the list sets its precedence (the last wins)',
    });
  }
  return { sources: file.sources.map((entry, i) => fromEntry(entry, i, settings)), layered: true };
}
