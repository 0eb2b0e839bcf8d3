import type { Config } from '../config/config';
import { describePath } from '../config/settings';
import { impliedSources, type SourceSpec } from '../config/sources';
import type { DataEntry } from '../data/entry';
import { expandJson } from '../data/expand-json';
import { sourceLayer } from '../data/layers';
import { layerSources, type Override } from '../data/layer-sources';
import { ParameterNotFoundError, RenderError } from '../errors';
import type { Parameter, ParameterSource } from '../source/types';

/** The sources a render reads: `sources:` as written; in local dev mode, which ignores them, the path and `parameters:` (local values answer). */
export function activeSources(config: Config): readonly SourceSpec[] {
  return config.settings.local.value ? impliedSources(config.settings, config.parameters) : config.sources;
}

/** The source each of `activeSources(config)` reads from: its own (region, endpoint, role) where given, else `fallback`. */
export function sourcesFor(config: Config, fallback: ParameterSource, own: readonly (ParameterSource | undefined)[] | undefined): ParameterSource[] {
  return activeSources(config).map((_, i) => (config.settings.local.value ? undefined : own?.[i]) ?? fallback);
}

/** How messages name a source: `sources[1] (/ELASMETRICS/STAGING/)`; without `sources:`, the path as ENV chose it. */
function whereOf(config: Config, spec: SourceSpec): string {
  if (!config.layered) return spec.path !== undefined ? (describePath(config.settings) ?? spec.path) : spec.label;
  return spec.path !== undefined ? `${spec.label} (${spec.path})` : spec.label;
}

/** One source's answer as entries: its JSON objects expanded, its keys mounted under `key_prefix`. */
function entriesOf(config: Config, spec: SourceSpec, byPath: readonly Parameter[], named: ReadonlyMap<string, Parameter>): DataEntry[] {
  const expand = new Set(spec.expandJson);
  const where = whereOf(config, spec);
  return sourceLayer(byPath, spec.path ?? '', named)
    .flatMap((entry) => (expand.has(entry.key) ? expandJson(entry, where) : [entry]))
    .map((entry) => (spec.keyPrefix === undefined ? entry : { ...entry, key: `${spec.keyPrefix}/${entry.key}` }));
}

interface Answer {
  readonly spec: SourceSpec;
  readonly source: ParameterSource;
  readonly entries: DataEntry[];
  readonly empty: boolean;
}

async function read(config: Config, spec: SourceSpec, source: ParameterSource, signal: AbortSignal | undefined): Promise<Answer> {
  const byPath = spec.path === undefined ? [] : await source.byPath(spec.path, { signal });
  const names = spec.names ?? new Map<string, string>();
  const byName = names.size > 0 ? await source.byNames([...names.values()], { signal }) : new Map<string, Parameter>();
  const named = new Map([...names].map(([key, name]) => [key, byName.get(name) as Parameter]));
  return { spec, source, entries: entriesOf(config, spec, byPath, named), empty: byPath.length === 0 && named.size === 0 };
}

export interface SourcesRead {
  /** One layer: every source's keys, the last source to supply a key winning. */
  readonly entries: DataEntry[];
  /** Keys two sources supplied (`sources:` only; without it such a key is an error). */
  readonly overrides: Override[];
}

/**
 * Read every source in order and check the answer: something there (or `allow_empty`), every
 * `required` key. Without `sources:`, a key from both the path and `parameters:` is an error, as it
 * always was; with it, the later source wins and the override is reported.
 */
export async function readSources(config: Config, sources: readonly ParameterSource[], signal: AbortSignal | undefined): Promise<SourcesRead> {
  const specs = activeSources(config);
  const answers: Answer[] = [];
  for (const [i, spec] of specs.entries()) answers.push(await read(config, spec, sources[i] as ParameterSource, signal));
  const { entries, overrides } = layerSources(answers.map((a) => a.entries));
  if (!config.layered && overrides.length > 0) {
    const { key, lower } = overrides[0] as Override;
    throw new RenderError(`Key \`${key}\` comes both from ${lower} and from \`parameters.${key}\``, {
      hint: 'give the named parameter another key under `parameters:`',
    });
  }
  checkNotEmpty(config, answers);
  checkRequired(config, answers, entries);
  return { entries, overrides };
}

function checkNotEmpty(config: Config, answers: readonly Answer[]): void {
  if (config.allowEmpty) return;
  // Without `sources:`, named parameters make an empty path acceptable; with it, every path must hold something (a wrong ENV empties one).
  const empty = config.layered ? answers.filter((a) => a.empty && a.spec.path !== undefined) : answers.every((a) => a.empty) ? answers.slice(0, 1) : [];
  for (const { spec, source } of empty) {
    const path = spec.path ?? '';
    const error = source.notFound({ path, where: whereOf(config, spec), keys: [] });
    if (error) throw new ParameterNotFoundError(error.message, error.names, { hint: `${error.hint}; set \`allow_empty: true\` if an empty path is expected` });
  }
}

function checkRequired(config: Config, answers: readonly Answer[], entries: readonly DataEntry[]): void {
  // Parameter Store holds no empty value; in local dev mode an empty variable is as good as unset.
  const values = new Map(entries.map((e) => [e.key, e.value]));
  const missing = config.required.filter((key) => !values.get(key));
  if (missing.length === 0) return;
  const first = answers[0];
  if (!config.layered && first?.spec.path !== undefined) {
    throw (
      first.source.notFound({ path: first.spec.path, where: whereOf(config, first.spec), keys: missing }) ??
      new ParameterNotFoundError(`Parameter not found: ${missing.join(', ')}`, missing)
    );
  }
  const read = answers.map((a) => whereOf(config, a.spec)).join(', ');
  throw new ParameterNotFoundError(`Parameter not found: ${missing.join(', ')} (required) in none of ${read}`, missing, {
    hint: "check ENV and PARAMETER_STORE_PREFIX, each source's path, names and key_prefix, or create it with `ssm-render put`",
  });
}
