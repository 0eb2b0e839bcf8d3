import type { Config } from '../config/config';
import type { Logger, Redactor } from '../log';
import { isSecretsManagerReference } from '../parameter-naming';
import type { Parameter, ParameterSource } from '../source/types';
import { fingerprintFiles } from './fingerprint';
import { isDiscovery, pathVersions } from './path-versions';
import { followPlan } from './follow-plan';
import { renderOnce, type RenderOutcome } from './render-once';

export interface RefreshOptions {
  /** List the path now, whatever `watch.discovery_interval` says (a requested refresh: a new name should show at once). */
  readonly discover?: boolean | undefined;
}

export type RefreshResult = { readonly kind: 'unchanged' } | { readonly kind: 'rendered'; readonly outcome: RenderOutcome };

/** What the last good render was made of: enough to tell, cheaply, whether anything changed since. */
interface Known {
  readonly byPath: ReadonlyMap<string, Parameter>;
  readonly named: ReadonlyMap<string, Parameter>;
  readonly inputs: string;
  readonly outputs: string;
}

/** A source that answers from parameters already in hand (and words what is missing as `source` does). */
function snapshot(byPath: readonly Parameter[], named: ReadonlyMap<string, Parameter>, source: ParameterSource): ParameterSource {
  return {
    byPath: async () => [...byPath],
    byNames: async (names) => new Map(names.map((n) => [n, named.get(n) as Parameter])),
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

export interface RefresherDeps {
  readonly config: Config;
  /** Parameter Store, or in local dev mode the local values. */
  readonly source: ParameterSource;
  readonly log: Logger;
  readonly redactor: Redactor;
}

/**
 * Keeps the files fresh at the lowest cost. The first render fetches with decryption. Every later
 * refresh reads versions without decryption (ceil(N/10) calls: the known names by name, and every
 * `watch.discovery_interval` refreshes a listing of the path, see `path-versions.ts`), decrypts only
 * new or changed SecureStrings (GetParameters, batches of 10), and renders only when a parameter, a
 * defaults file, a template, or a destination on disk changed. State moves only after a good refresh,
 * so a failed refresh leaves both the files and the last known good state as they were.
 */
export class Refresher {
  private known: Known | undefined;
  /** Good refreshes since the path was last listed; a failed one leaves it, so a failed discovery is tried again. */
  private sinceListing = 0;

  constructor(private readonly deps: RefresherDeps) {}

  async refresh(signal?: AbortSignal, options: RefreshOptions = {}): Promise<RefreshResult> {
    const { config } = this.deps;
    const inputFiles = inputFilesOf(config);
    const destinations = config.templates.map((t) => t.destination);
    const known = this.known;
    const inputs = await fingerprintFiles(inputFiles);

    const source = this.deps.source;
    if (known === undefined) {
      const rec = recording(source);
      const outcome = await this.render(rec.source, signal);
      this.known = { byPath: byName(rec.seen.byPath), named: rec.seen.named, inputs, outputs: await fingerprintFiles(destinations) };
      this.sinceListing = 0;
      return { kind: 'rendered', outcome };
    }

    // Local dev mode reads no account: listing its values costs nothing, so every refresh lists.
    const every = config.settings.local.value ? 1 : config.watch.discoveryInterval;
    const current = await pathVersions(
      source,
      config.settings.path,
      known.byPath.keys(),
      options.discover === true || isDiscovery(this.sinceListing, every),
      signal,
    );
    const listing = current.parameters;
    const named = await this.namedVersions(source, known, signal);
    const pathChanged = listing.length !== known.byPath.size || listing.some((p) => !sameVersion(known.byPath.get(p.name), p));
    const namedChanged = [...named].some(
      ([n, p]) => !sameVersion(known.named.get(n), p) || (isSecretsManagerReference(n) && p.value !== known.named.get(n)?.value),
    );
    if (!pathChanged && !namedChanged && inputs === known.inputs && (await fingerprintFiles(destinations)) === known.outputs) {
      this.sinceListing = current.listed ? 0 : this.sinceListing + 1;
      return { kind: 'unchanged' };
    }

    const stale = listing.filter((p) => p.type === 'SecureString' && !sameVersion(known.byPath.get(p.name), p)).map((p) => p.name);
    const fresh = stale.length > 0 ? await source.byNames(stale, { decrypt: true, signal }) : new Map<string, Parameter>();
    const byPath = listing.map((p) => (p.type === 'SecureString' ? (fresh.get(p.name) ?? (known.byPath.get(p.name) as Parameter)) : p));
    const outcome = await this.render(snapshot(byPath, named, source), signal);
    this.known = { byPath: byName(byPath), named, inputs, outputs: await fingerprintFiles(destinations) };
    this.sinceListing = current.listed ? 0 : this.sinceListing + 1;
    return { kind: 'rendered', outcome };
  }

  /** Named parameters with current plaintext: versions first, decrypting only what changed. */
  private async namedVersions(source: ParameterSource, known: Known, signal: AbortSignal | undefined): Promise<Map<string, Parameter>> {
    const names = [...new Set(this.deps.config.parameters.values())];
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

  /**
   * Every parameter of the last good render with its version (never a value), for a fleet leader to
   * publish; Secrets Manager references carry no useful version and are left out. Undefined before
   * the first render.
   */
  versions(): Map<string, number> | undefined {
    const known = this.known;
    if (known === undefined) return undefined;
    const versions = new Map<string, number>();
    for (const [name, p] of known.byPath) versions.set(name, p.version);
    for (const [name, p] of known.named) if (!isSecretsManagerReference(name)) versions.set(name, p.version);
    return versions;
  }

  /**
   * A fleet follower's refresh: the leader published `published` (name -> version, from its own
   * check), so this process lists nothing and fetches, decrypted under its own identity, only the
   * names whose version moved (and new ones); names gone from under the path are dropped. Secrets
   * Manager references are fetched as on every refresh. Before the first render, a full refresh.
   */
  async refreshTo(published: ReadonlyMap<string, number> | undefined, signal?: AbortSignal): Promise<RefreshResult> {
    const known = this.known;
    if (known === undefined) return this.refresh(signal);
    const { config, source } = this.deps;
    const plan = followPlan(config, known, published);
    const inputs = await fingerprintFiles(inputFilesOf(config));
    const destinations = config.templates.map((t) => t.destination);
    if (
      plan.fetch.length === 0 &&
      plan.references.length === 0 &&
      !plan.removed &&
      inputs === known.inputs &&
      (await fingerprintFiles(destinations)) === known.outputs
    ) {
      return { kind: 'unchanged' };
    }
    const asked = [...plan.fetch, ...plan.references];
    const fresh = asked.length > 0 ? await source.byNames(asked, { decrypt: true, signal }) : new Map<string, Parameter>();
    const byPath = plan.listed.map((n) => fresh.get(n) ?? (known.byPath.get(n) as Parameter));
    const named = new Map<string, Parameter>();
    for (const [n, p] of known.named) named.set(n, fresh.get(n) ?? p);
    const outcome = await this.render(snapshot(byPath, named, source), signal);
    this.known = { byPath: byName(byPath), named, inputs, outputs: await fingerprintFiles(destinations) };
    return { kind: 'rendered', outcome };
  }

  private render(source: ParameterSource, signal: AbortSignal | undefined): Promise<RenderOutcome> {
    return renderOnce({ config: this.deps.config, source, log: this.deps.log, redactor: this.deps.redactor, signal });
  }
}

function inputFilesOf(config: Config): string[] {
  return [...config.defaults.yamlFiles, ...config.defaults.jsonFiles, ...config.templates.flatMap((t) => (t.source ? [t.source] : []))];
}

function byName(parameters: readonly Parameter[]): Map<string, Parameter> {
  return new Map(parameters.map((p) => [p.name, p]));
}
