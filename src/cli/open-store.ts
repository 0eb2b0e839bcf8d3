import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Config } from '../config/config';
import { createSsmClient } from '../source/ssm-client';
import { ssmSource } from '../source/ssm';
import { ssmAdmin, type ParameterAdmin } from '../source/ssm-admin';
import { nearMissFinder, type NearMissFinder } from '../source/near-misses';
import type { ParameterSource } from '../source/types';

/** Everything the admin commands use of Parameter Store, over one SDK client. */
export interface OpenStore {
  readonly client: SSMClient;
  readonly region: string;
  readonly source: ParameterSource;
  readonly admin: ParameterAdmin;
  readonly nearMisses: NearMissFinder;
  close(): void;
}

export async function openStore(config: Config): Promise<OpenStore> {
  const client = await createSsmClient({
    region: config.settings.region?.value,
    endpoint: config.settings.endpoint?.value,
    requestTimeoutMs: config.requestTimeoutMs,
  });
  const region = await client.config.region();
  const site = { client, region };
  const admin = ssmAdmin(site);
  return { client, region, source: ssmSource(site), admin, nearMisses: nearMissFinder(admin), close: () => client.destroy() };
}
