import type { Config } from '../config/config';
import type { SourceSpec } from '../config/sources';
import type { Logger, Redactor } from '../log';
import { isSecretsManagerReference } from '../parameter-naming';
import type { Parameter, ParameterSource } from '../source/types';
import { fingerprintFiles } from './fingerprint';
import { activeSources, sourcesFor } from './read-sources';
import { renderOnce, type RenderOutcome } from './render-once';

export type RefreshResult = { readonly kind: 'unchanged' } | { readonly kind: 'rendered'; readonly outcome: RenderOutcome };

/** What one source answered at the last good render. */
interface KnownAnswer {
  readonly byPath: ReadonlyMap<string, Parameter>;
  readonly named: ReadonlyMap<string, Parameter>;
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
 * refresh lists each source's path without decryption (versions only, ceil(N/10) calls), decrypts
 * only new or changed SecureStrings (GetParameters, batches of 10), and renders only when a
 * parameter, a defaults file, a template, or a destination on disk changed. A render needs every
 * source: one that fails fails the refresh, so the files and the last known good state of every
 * source stay as they were; state moves only after a good commit.
 */
export class Refresher {
  private known: Known | undefined;

  constructor(private readonly deps: RefresherDeps) {}

  async refresh(signal?: AbortSignal): Promise<RefreshResult> {
    const { config } = this.deps;
    const inputFiles = [...config.defaults.yamlFiles, ...config.defaults.jsonFiles, ...config.templates.flatMap((t) => (t.source ? [t.source] : []))];
    const destinations = config.templates.map((t) => t.destination);
    const known = this.known;
    const inputs = await fingerprintFiles(inputFiles);
    const specs = activeSources(config);
    const sources = sourcesFor(config, this.deps.source, this.deps.sources);

    if (known === undefined) {
      const recs = sources.map(recording);
      const outcome = await this.render(
        recs.map((r) => r.source),
        signal,
      );
      const answers = recs.map((r) => ({ byPath: byName(r.seen.byPath), named: r.seen.named }));
      this.known = { answers, inputs, outputs: await fingerprintFiles(destinations) };
      return { kind: 'rendered', outcome };
    }

    const checked: Array<{ answer: KnownAnswer; changed: boolean }> = [];
    for (const [i, spec] of specs.entries()) {
      checked.push(await this.check(spec, sources[i] as ParameterSource, known.answers[i] as KnownAnswer, signal));
    }
    if (!checked.some((c) => c.changed) && inputs === known.inputs && (await fingerprintFiles(destinations)) === known.outputs) {
      return { kind: 'unchanged' };
    }
    const answers = checked.map((c) => c.answer);
    const outcome = await this.render(
      answers.map((answer, i) => snapshot(answer, sources[i] as ParameterSource)),
      signal,
    );
    this.known = { answers, inputs, outputs: await fingerprintFiles(destinations) };
    return { kind: 'rendered', outcome };
  }

  /** One source's current answer, from versions first, decrypting only what changed; and whether anything did. */
  private async check(spec: SourceSpec, source: ParameterSource, known: KnownAnswer, signal: AbortSignal | undefined) {
    let byPath = known.byPath;
    let pathChanged = false;
    if (spec.path !== undefined) {
      const listing = await source.byPath(spec.path, { decrypt: false, signal });
      pathChanged = listing.length !== known.byPath.size || listing.some((p) => !sameVersion(known.byPath.get(p.name), p));
      const stale = listing.filter((p) => p.type === 'SecureString' && !sameVersion(known.byPath.get(p.name), p)).map((p) => p.name);
      const fresh = stale.length > 0 ? await source.byNames(stale, { decrypt: true, signal }) : new Map<string, Parameter>();
      byPath = byName(listing.map((p) => (p.type === 'SecureString' ? (fresh.get(p.name) ?? (known.byPath.get(p.name) as Parameter)) : p)));
    }
    const named = await namedVersions([...new Set(spec.names?.values() ?? [])], source, known, signal);
    const namedChanged = [...named].some(
      ([n, p]) => !sameVersion(known.named.get(n), p) || (isSecretsManagerReference(n) && p.value !== known.named.get(n)?.value),
    );
    return { answer: { byPath, named }, changed: pathChanged || namedChanged };
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

function byName(parameters: readonly Parameter[]): Map<string, Parameter> {
  return new Map(parameters.map((p) => [p.name, p]));
}
