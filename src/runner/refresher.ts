import type { Config } from '../config/config';
import type { SourceSpec } from '../config/sources';
import type { Logger, Redactor } from '../log';
import { isSecretsManagerReference } from '../parameter-naming';
import type { Parameter, ParameterSource } from '../source/types';
import { fingerprintFiles } from './fingerprint';
import { followPlan } from './follow-plan';
import { isDiscovery, pathVersions } from './path-versions';
import { activeSources, sourcesFor } from './read-sources';
import { renderOnce, type RenderOutcome } from './render-once';

export interface RefreshOptions {
  /** List every path now, whatever `watch.discovery_interval` says (a requested refresh: a new name should show at once). */
  readonly discover?: boolean | undefined;
}

export type RefreshResult = { readonly kind: 'unchanged' } | { readonly kind: 'rendered'; readonly outcome: RenderOutcome };

/** What one source answered at the last good render. */
interface KnownAnswer {
  readonly byPath: ReadonlyMap<string, Parameter>;
  readonly named: ReadonlyMap<string, Parameter>;
  /** Good refreshes since its path was last listed; a failed one leaves it, so a failed discovery is tried again. */
  readonly sinceListing: number;
}

/** What the last good render was made of: enough to tell, cheaply, whether anything changed since. */
interface Known {
  /** One per source, in the order of `activeSources(config)`. */
  readonly answers: readonly KnownAnswer[];
  readonly inputs: string;
  readonly outputs: string;
}

/** A source that answers from parameters already in hand (and words what is missing as `source` does). */
function snapshot(answer: KnownAnswer, source: ParameterSource): ParameterSource {
  return {
    byPath: async () => [...answer.byPath.values()],
    byNames: async (names) => new Map(names.map((n) => [n, answer.named.get(n) as Parameter])),
    notFound: (request) => source.notFound(request),
  };
}

/** The real source, remembering what it returned, so a full fetch can seed the known state. */
function recording(source: ParameterSource) {
  const seen = { byPath: [] as Parameter[], named: new Map<string, Parameter>() };
  const wrapped: ParameterSource = {
    byPath: async (path, options) => (seen.byPath = await source.byPath(path, options)),
    byNames: async (names, options) => (seen.named = await source.byNames(names, options)),
    notFound: (request) => source.notFound(request),
  };
  return { source: wrapped, seen };
}

const sameVersion = (a: Parameter | undefined, b: Parameter) => a !== undefined && a.version === b.version && a.type === b.type;
const namesOf = (spec: SourceSpec) => [...new Set(spec.names?.values() ?? [])];

export interface RefresherDeps {
  readonly config: Config;
  /** Parameter Store, or in local dev mode the local values. */
  readonly source: ParameterSource;
  /** The source of each of `sources:` that reads elsewhere (its own region, endpoint or role), by position. */
  readonly sources?: readonly (ParameterSource | undefined)[] | undefined;
  readonly log: Logger;
  readonly redactor: Redactor;
}

/**
 * Keeps the files fresh at the lowest cost. The first render fetches with decryption. Every later
 * refresh reads each source's versions without decryption (ceil(N/10) calls: the known names by
 * name, and every `watch.discovery_interval` refreshes a listing of the path, see
 * `path-versions.ts`), decrypts only new or changed SecureStrings (GetParameters, batches of 10),
 * and renders only when a parameter, a defaults file, a template, or a destination on disk changed.
 * A render needs every source: one that fails fails the refresh, so the files and the last known
 * good state of every source stay as they were; state moves only after a good refresh.
 */
export class Refresher {
  private known: Known | undefined;

  constructor(private readonly deps: RefresherDeps) {}

  async refresh(signal?: AbortSignal, options: RefreshOptions = {}): Promise<RefreshResult> {
    const { config } = this.deps;
    const destinations = config.templates.map((t) => t.destination);
    const known = this.known;
    const inputs = await fingerprintFiles(inputFilesOf(config));
    const specs = activeSources(config);
    const sources = sourcesFor(config, this.deps.source, this.deps.sources);

    if (known === undefined) {
      const recs = sources.map(recording);
      const outcome = await this.render(
        recs.map((r) => r.source),
        signal,
      );
      const answers = recs.map((r) => ({ byPath: byName(r.seen.byPath), named: r.seen.named, sinceListing: 0 }));
      this.known = { answers, inputs, outputs: await fingerprintFiles(destinations) };
      return { kind: 'rendered', outcome };
    }

    // Local dev mode reads no account: listing its values costs nothing, so every refresh lists.
    const every = config.settings.local.value ? 1 : config.watch.discoveryInterval;
    const checked: Array<{ answer: KnownAnswer; changed: boolean }> = [];
    for (const [i, spec] of specs.entries()) {
      const answer = known.answers[i] as KnownAnswer;
      const discover = options.discover === true || isDiscovery(answer.sinceListing, every);
      checked.push(await this.check(spec, sources[i] as ParameterSource, answer, discover, signal));
    }
    const answers = checked.map((c) => c.answer);
    if (!checked.some((c) => c.changed) && inputs === known.inputs && (await fingerprintFiles(destinations)) === known.outputs) {
      this.known = { ...known, answers };
      return { kind: 'unchanged' };
    }
    const outcome = await this.render(
      answers.map((answer, i) => snapshot(answer, sources[i] as ParameterSource)),
      signal,
    );
    this.known = { answers, inputs, outputs: await fingerprintFiles(destinations) };
    return { kind: 'rendered', outcome };
  }

  /** One source's current answer, from versions first, decrypting only what changed; and whether anything did. */
  private async check(spec: SourceSpec, source: ParameterSource, known: KnownAnswer, discover: boolean, signal: AbortSignal | undefined) {
    let byPath = known.byPath;
    let pathChanged = false;
    let sinceListing = known.sinceListing + 1;
    if (spec.path !== undefined) {
      const current = await pathVersions(source, spec.path, known.byPath.keys(), discover, signal);
      const listing = current.parameters;
      if (current.listed) sinceListing = 0;
      pathChanged = listing.length !== known.byPath.size || listing.some((p) => !sameVersion(known.byPath.get(p.name), p));
      const stale = listing.filter((p) => p.type === 'SecureString' && !sameVersion(known.byPath.get(p.name), p)).map((p) => p.name);
      const fresh = stale.length > 0 ? await source.byNames(stale, { decrypt: true, signal }) : new Map<string, Parameter>();
      byPath = byName(listing.map((p) => (p.type === 'SecureString' ? (fresh.get(p.name) ?? (known.byPath.get(p.name) as Parameter)) : p)));
    }
    const named = await namedVersions(namesOf(spec), source, known, signal);
    const namedChanged = [...named].some(
      ([n, p]) => !sameVersion(known.named.get(n), p) || (isSecretsManagerReference(n) && p.value !== known.named.get(n)?.value),
    );
    return { answer: { byPath, named, sinceListing }, changed: pathChanged || namedChanged };
  }

  /**
   * Every parameter of the last good render with its version (never a value), for a fleet leader to
   * publish; Secrets Manager references carry no useful version and are left out. Undefined before
   * the first render.
   */
  versions(): Map<string, number> | undefined {
    const known = this.known;
    if (known === undefined) return undefined;
    const versions = new Map<string, number>();
    for (const answer of known.answers) {
      for (const [name, p] of answer.byPath) versions.set(name, p.version);
      for (const [name, p] of answer.named) if (!isSecretsManagerReference(name)) versions.set(name, p.version);
    }
    return versions;
  }

  /**
   * A fleet follower's refresh: the leader published `published` (name -> version, from its own
   * check), so this process lists nothing and fetches, decrypted under its own identity, only the
   * names whose version moved (and new ones); names gone from under a path are dropped. Secrets
   * Manager references are fetched as on every refresh. Before the first render, a full refresh.
   */
  async refreshTo(published: ReadonlyMap<string, number> | undefined, signal?: AbortSignal): Promise<RefreshResult> {
    const known = this.known;
    if (known === undefined) return this.refresh(signal);
    const { config } = this.deps;
    const specs = activeSources(config);
    const sources = sourcesFor(config, this.deps.source, this.deps.sources);
    const plans = specs.map((spec, i) => followPlan({ path: spec.path, names: namesOf(spec) }, known.answers[i] as KnownAnswer, published));
    const inputs = await fingerprintFiles(inputFilesOf(config));
    const destinations = config.templates.map((t) => t.destination);
    const idle = plans.every((p) => p.fetch.length === 0 && p.references.length === 0 && !p.removed);
    if (idle && inputs === known.inputs && (await fingerprintFiles(destinations)) === known.outputs) return { kind: 'unchanged' };

    const answers: KnownAnswer[] = [];
    for (const [i, plan] of plans.entries()) {
      const answer = known.answers[i] as KnownAnswer;
      const asked = [...plan.fetch, ...plan.references];
      const fresh = asked.length > 0 ? await (sources[i] as ParameterSource).byNames(asked, { decrypt: true, signal }) : new Map<string, Parameter>();
      const byPath = plan.listed.map((n) => fresh.get(n) ?? (answer.byPath.get(n) as Parameter));
      const named = new Map<string, Parameter>();
      for (const [n, p] of answer.named) named.set(n, fresh.get(n) ?? p);
      answers.push({ byPath: byName(byPath), named, sinceListing: answer.sinceListing });
    }
    const outcome = await this.render(
      answers.map((answer, i) => snapshot(answer, sources[i] as ParameterSource)),
      signal,
    );
    this.known = { answers, inputs, outputs: await fingerprintFiles(destinations) };
    return { kind: 'rendered', outcome };
  }

  private render(sources: readonly ParameterSource[], signal: AbortSignal | undefined): Promise<RenderOutcome> {
    const { config, log, redactor } = this.deps;
    return renderOnce({ config, source: sources[0] as ParameterSource, sources, log, redactor, signal });
  }
}

/** Named parameters with current plaintext: versions first, decrypting only what changed. */
async function namedVersions(
  names: readonly string[],
  source: ParameterSource,
  known: KnownAnswer,
  signal: AbortSignal | undefined,
): Promise<Map<string, Parameter>> {
  if (names.length === 0) return new Map();
  // Secrets Manager references are only served decrypted, and carry no useful version.
  const references = names.filter(isSecretsManagerReference);
  const plain = names.filter((n) => !isSecretsManagerReference(n));
  const result = references.length > 0 ? await source.byNames(references, { decrypt: true, signal }) : new Map<string, Parameter>();
  if (plain.length === 0) return result;
  const versions = await source.byNames(plain, { decrypt: false, signal });
  const stale = [...versions].filter(([n, p]) => p.type === 'SecureString' && !sameVersion(known.named.get(n), p)).map(([n]) => n);
  const fresh = stale.length > 0 ? await source.byNames(stale, { decrypt: true, signal }) : new Map<string, Parameter>();
  for (const [n, p] of versions) result.set(n, p.type === 'SecureString' ? (fresh.get(n) ?? (known.named.get(n) as Parameter)) : p);
  return result;
}

function inputFilesOf(config: Config): string[] {
  return [...config.defaults.yamlFiles, ...config.defaults.jsonFiles, ...config.templates.flatMap((t) => (t.source ? [t.source] : []))];
}

function byName(parameters: readonly Parameter[]): Map<string, Parameter> {
  return new Map(parameters.map((p) => [p.name, p]));
}
