import { ParameterNotFoundError } from '../errors';
import type { Parameter, ParameterSource } from '../source/types';

/** The path's parameters without decryption (versions; plaintext of String and StringList), and how they were learnt. */
export interface PathVersions {
  readonly parameters: readonly Parameter[];
  /** The path was listed: names added or deleted since are in `parameters`. */
  readonly listed: boolean;
}

/**
 * The versions under the path, as cheaply as is safe. Between discoveries, the names known from
 * the last listing are checked by name (`GetParameters`, batches of 10, no decryption): same call
 * count as a listing at the default quota, against a far higher ceiling under higher throughput.
 * On a discovery refresh, or when a known name is gone (deleted since), the path is listed again,
 * which also finds the names added since.
 */
export async function pathVersions(
  source: ParameterSource,
  path: string,
  known: Iterable<string>,
  discover: boolean,
  signal: AbortSignal | undefined,
): Promise<PathVersions> {
  if (!discover) {
    try {
      const named = await source.byNames([...known], { decrypt: false, signal });
      return { parameters: [...named.values()], listed: false };
    } catch (error) {
      // A name deleted since the last listing is a change: the listing says what the path holds now.
      if (!(error instanceof ParameterNotFoundError)) throw error;
    }
  }
  return { parameters: await source.byPath(path, { decrypt: false, signal }), listed: true };
}

/** Whether this refresh lists the path: every `discoveryInterval` refreshes since the last good listing. */
export function isDiscovery(refreshesSinceListing: number, discoveryInterval: number): boolean {
  return refreshesSinceListing + 1 >= discoveryInterval;
}
