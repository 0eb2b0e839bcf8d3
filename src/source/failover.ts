import { ServiceError, ThrottledError } from '../errors';
import type { ParameterSource } from './types';

/** Which site of a source answered a call, and why the fallback did (the error code of the primary's failure). */
export interface Served {
  /** How messages name the source: `sources[3]`. */
  readonly source: string;
  readonly site: 'primary' | 'fallback';
  readonly region: string | undefined;
  /** The primary's error code, when the fallback answered. */
  readonly reason?: string | undefined;
}

export interface Site {
  readonly source: ParameterSource;
  readonly region: string | undefined;
}

/**
 * Whether the primary's failure is one the other region may not share: it could not be reached,
 * timed out, failed (5xx) or throttled after the retries. Never AccessDenied, NotFound or a
 * validation error: the fallback answering those would mask a real problem.
 */
export function failsOver(error: unknown): boolean {
  return error instanceof ThrottledError || (error instanceof ServiceError && error.retryable);
}

/**
 * A source with a second region: every call goes to the primary first (so in `watch` the primary is
 * tried again at each refresh), and to the fallback only when the primary `failsOver`.
 */
export function failoverSource(label: string, primary: Site, fallback: Site, onServed: (served: Served) => void): ParameterSource {
  const call = async <T>(ask: (source: ParameterSource) => Promise<T>, signal: AbortSignal | undefined): Promise<T> => {
    try {
      const answer = await ask(primary.source);
      onServed({ source: label, site: 'primary', region: primary.region });
      return answer;
    } catch (error) {
      if (!failsOver(error) || signal?.aborted) throw error;
      const answer = await ask(fallback.source);
      onServed({ source: label, site: 'fallback', region: fallback.region, reason: (error as ServiceError).code });
      return answer;
    }
  };
  return {
    byPath: (path, options) => call((s) => s.byPath(path, options), options?.signal),
    byNames: (names, options) => call((s) => s.byNames(names, options), options?.signal),
    notFound: (request) => primary.source.notFound(request),
  };
}
