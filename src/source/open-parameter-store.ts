import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Config } from '../config/config';
import type { Resolved } from '../config/settings';
import { hostname } from 'node:os';
import type { RoleSpec, SourceSpec } from '../config/sources';
import { ConfigError } from '../errors';
import { assumeRole } from './assume-role';
import type { Served } from './failover';
import { localAdmin, localSource, type LocalSourceOptions } from './local';
import { nearMissFinder, type NearMissFinder } from './near-misses';
import { openSources } from './open-sources';
import type { CallObserver } from './send';
import { ssmAdmin, type ParameterAdmin } from './ssm-admin';
import { createSsmClient, type SsmClientOptions } from './ssm-client';
import { ssmSource } from './ssm';
import type { ParameterSource } from './types';

/** The client settings that belong to the retry policy, handed to `createSsmClient` as they are. */
type RetryOptions = Omit<SsmClientOptions, 'region' | 'regionFrom' | 'endpoint' | 'requestTimeoutMs' | 'credentials'>;

export interface ParameterStoreSettings {
  /** The region and where it came from; undefined: the SDK's own lookup (the shared config file). */
  readonly region?: Resolved<string> | undefined;
  /** An endpoint such as LocalStack's, and where it came from; undefined: the SDK's own, or AWS's. */
  readonly endpoint?: Resolved<string> | undefined;
  readonly requestTimeoutMs: number;
  /** A caller's own SSMClient: used as it is (its region, endpoint, credentials and retries), never destroyed. */
  readonly client?: SSMClient | undefined;
  /** Called once per API call (the summary log line, the metrics). */
  readonly onCall?: CallObserver | undefined;
  readonly retry?: RetryOptions | undefined;
  /** Local dev mode: this source (`localSource`) answers, and nothing reaches AWS (no client, no credentials, no network). */
  readonly local?: ParameterSource | undefined;
  /** The config's `sources:`: those that read elsewhere (their own region, endpoint, fallback) get their own connection. */
  readonly sources?: readonly SourceSpec[] | undefined;
  /** Credentials from assuming this role (a source's `role_arn`), through STS at `stsEndpoint`. */
  readonly role?: RoleSpec | undefined;
  readonly stsEndpoint?: Resolved<string> | undefined;
  /** For the role's session name; default: this machine's. */
  readonly hostname?: string | undefined;
  /** Told which site answered each call of a source with a fallback. */
  readonly onServed?: ((served: Served) => void) | undefined;
}

/** Parameter Store, opened: everything the CLI and the library use of it. */
export interface ParameterStoreConnection {
  readonly source: ParameterSource;
  /** GetParameter, PutParameter, DeleteParameter, DescribeParameters; in local dev mode `get` reads the local values and writes are refused. */
  readonly admin: ParameterAdmin;
  /** Best-effort search for names close to a missing one; none in local dev mode. */
  readonly nearMisses: NearMissFinder | undefined;
  /** The region calls go to, and where it came from; undefined in local dev mode. */
  readonly region: Resolved<string> | undefined;
  /** The SDK client (health-check asks it for its endpoint and credentials); undefined in local dev mode. */
  readonly client: SSMClient | undefined;
  /** By position in `sources:`, the source of each that reads elsewhere; undefined: `source` answers for it. */
  readonly sources: readonly (ParameterSource | undefined)[];
  /** By position in `sources:`, the primary connection of each that reads elsewhere; undefined: this one. */
  readonly sourceConnections: readonly (ParameterStoreConnection | undefined)[];
  /** Releases the client this made (a caller's own is left to its owner). */
  close(): void;
}

/** The settings a config resolved: its region, endpoint and timeout, or in local dev mode its local source. */
export function parameterStoreSettings(config: Config, local: LocalSourceOptions = {}): ParameterStoreSettings {
  const s = config.settings;
  if (s.local.value) return { region: s.region, endpoint: s.endpoint, requestTimeoutMs: config.requestTimeoutMs, local: localSource(config, local) };
  return { region: s.region, endpoint: s.endpoint, requestTimeoutMs: config.requestTimeoutMs, sources: config.layered ? config.sources : undefined };
}

const SDK_REGION = "the SDK's shared config (aws configure)";

/**
 * The one place Parameter Store is opened, from resolved settings: the SDK client (or the caller's),
 * its region checked, the source, the admin operations and the near-miss finder over it; or, in local
 * dev mode, the local source alone.
 */
export async function openParameterStore(settings: ParameterStoreSettings): Promise<ParameterStoreConnection> {
  if (settings.local) return localConnection(settings.local);
  const own = settings.client === undefined;
  const client =
    settings.client ??
    (await createSsmClient({
      region: settings.region?.value,
      regionFrom: settings.region?.from,
      endpoint: settings.endpoint?.value,
      requestTimeoutMs: settings.requestTimeoutMs,
      ...settings.retry,
      credentials:
        settings.role &&
        assumeRole({ role: settings.role, region: settings.region?.value, endpoint: settings.stsEndpoint?.value, hostname: settings.hostname ?? hostname() }),
    }));
  // createSsmClient has checked its own region; a caller's client may have none.
  const value = await client.config.region().catch(() => {
    throw new ConfigError('No AWS region is set on the SSMClient passed in', { hint: 'create it with `new SSMClient({ region })`, or set AWS_REGION' });
  });
  const region: Resolved<string> = { value, from: own ? (settings.region?.from ?? SDK_REGION) : 'the SSMClient passed in' };
  const site = { client, region: region.value, onCall: settings.onCall, endpoint: own ? settings.endpoint : undefined };
  const admin = ssmAdmin(site);
  const close = () => (own ? client.destroy() : undefined);
  let opened;
  try {
    opened = await openSources(
      settings.sources ?? [],
      { region: settings.region, endpoint: settings.endpoint, stsEndpoint: undefined },
      (site, role) =>
        openParameterStore({
          ...settings,
          region: site.region,
          endpoint: site.endpoint,
          stsEndpoint: site.stsEndpoint,
          role,
          client: undefined,
          sources: undefined,
        }),
      settings.onServed ?? (() => undefined),
    );
  } catch (error) {
    close();
    throw error;
  }
  const { sources, connections, primaries } = opened;
  return {
    source: ssmSource({ ...site, regionFrom: region.from }),
    admin,
    nearMisses: nearMissFinder(admin),
    region,
    client,
    sources,
    sourceConnections: primaries,
    close: () => {
      for (const c of connections) c.close();
      close();
    },
  };
}

function localConnection(source: ParameterSource): ParameterStoreConnection {
  return {
    source,
    admin: localAdmin(source),
    nearMisses: undefined,
    region: undefined,
    client: undefined,
    sources: [],
    sourceConnections: [],
    close: () => undefined,
  };
}

/** The region calls would go to, as the SDK resolves it (settings, then the shared config file), checked like `openParameterStore` checks it; no network. */
export async function resolveRegion(region: Resolved<string> | undefined): Promise<Resolved<string>> {
  const client = await createSsmClient({ region: region?.value, regionFrom: region?.from, requestTimeoutMs: 1_000 });
  try {
    return { value: await client.config.region(), from: region?.from ?? SDK_REGION };
  } finally {
    client.destroy();
  }
}
