import type { RoleSpec, SiteSpec, SourceSpec } from '../config/sources';
import { failoverSource, type Served } from './failover';
import type { ParameterStoreConnection } from './open-parameter-store';
import type { ParameterSource } from './types';

/** Opens Parameter Store at one site (its region, endpoint), as the role when one is given, with everything else as the main connection has it. */
export type OpenSite = (site: SiteSpec, role: RoleSpec | undefined) => Promise<ParameterStoreConnection>;

export interface OpenedSources {
  /** By position in `sources:`; undefined: the source reads where the main connection does. */
  readonly sources: readonly (ParameterSource | undefined)[];
  /** The connections opened here. */
  readonly connections: readonly ParameterStoreConnection[];
  /** By position in `sources:`, the primary connection of each that reads elsewhere (`ls` and `get` with `--source N`). */
  readonly primaries: readonly (ParameterStoreConnection | undefined)[];
}

const same = (a: { value: string } | undefined, b: { value: string } | undefined) => a?.value === b?.value;

/** Whether a source reads anywhere else than the main connection: its own region or endpoint, a fallback, a role. */
export function ownSite(spec: SourceSpec, main: SiteSpec): boolean {
  return spec.role !== undefined || spec.fallback !== undefined || !same(spec.primary.region, main.region) || !same(spec.primary.endpoint, main.endpoint);
}

/**
 * A connection for each source that reads elsewhere than the main one, and for a source with a
 * fallback, the two sites behind one failover source. If any site fails to open, those opened are closed.
 */
export async function openSources(specs: readonly SourceSpec[], main: SiteSpec, open: OpenSite, onServed: (served: Served) => void): Promise<OpenedSources> {
  const connections: ParameterStoreConnection[] = [];
  const opened = async (site: SiteSpec, role: RoleSpec | undefined) => {
    const connection = await open(site, role);
    connections.push(connection);
    return connection;
  };
  try {
    const sources: Array<ParameterSource | undefined> = [];
    const primaries: Array<ParameterStoreConnection | undefined> = [];
    for (const spec of specs) {
      if (!ownSite(spec, main)) {
        sources.push(undefined);
        primaries.push(undefined);
        continue;
      }
      const primary = await opened(spec.primary, spec.role);
      primaries.push(primary);
      if (spec.fallback === undefined) {
        sources.push(primary.source);
        continue;
      }
      const fallback = await opened(spec.fallback, spec.role);
      sources.push(
        failoverSource(
          spec.label,
          { source: primary.source, region: primary.region?.value },
          { source: fallback.source, region: fallback.region?.value },
          onServed,
        ),
      );
    }
    return { sources, connections, primaries };
  } catch (error) {
    for (const c of connections) c.close();
    throw error;
  }
}
