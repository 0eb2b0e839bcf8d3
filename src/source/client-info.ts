import type { SSMClient } from '@aws-sdk/client-ssm';
import type { Resolved } from '../config/settings';
import { CredentialsError } from '../errors';
import { CREDENTIALS_HINT } from './aws-errors';

export type CredentialKind = 'environment' | 'profile' | 'sso' | 'process' | 'web-identity' | 'container' | 'instance-metadata' | 'code' | 'unknown';

export interface CredentialSource {
  readonly kind: CredentialKind;
  /** What a person reads: the kind and the variable or profile behind it; never a key. */
  readonly description: string;
}

type Env = Readonly<Record<string, string | undefined>>;

// Most specific first: an assumed role from a profile also carries CREDENTIALS_PROFILE, and so on.
const FEATURES: ReadonlyArray<[string, CredentialKind, (env: Env) => string]> = [
  ['CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN', 'web-identity', () => 'web identity token (IRSA: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)'],
  ['CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN', 'web-identity', (env) => `web identity token from profile \`${env['AWS_PROFILE'] ?? 'default'}\``],
  ['CREDENTIALS_STS_ASSUME_ROLE_WEB_ID', 'web-identity', () => 'web identity token'],
  ['CREDENTIALS_PROFILE_SSO', 'sso', (env) => `SSO (IAM Identity Center) profile \`${env['AWS_PROFILE'] ?? 'default'}\``],
  ['CREDENTIALS_PROFILE_SSO_LEGACY', 'sso', (env) => `SSO (IAM Identity Center) profile \`${env['AWS_PROFILE'] ?? 'default'}\``],
  ['CREDENTIALS_SSO', 'sso', () => 'SSO (IAM Identity Center)'],
  ['CREDENTIALS_SSO_LEGACY', 'sso', () => 'SSO (IAM Identity Center)'],
  ['CREDENTIALS_PROFILE_PROCESS', 'process', (env) => `credential_process of profile \`${env['AWS_PROFILE'] ?? 'default'}\``],
  ['CREDENTIALS_PROCESS', 'process', () => 'credential_process'],
  ['CREDENTIALS_PROFILE_SOURCE_PROFILE', 'profile', (env) => `role assumed from profile \`${env['AWS_PROFILE'] ?? 'default'}\``],
  ['CREDENTIALS_PROFILE', 'profile', (env) => `shared credentials profile \`${env['AWS_PROFILE'] ?? 'default'}\``],
  [
    'CREDENTIALS_HTTP',
    'container',
    (env) =>
      `container credentials (ECS task role or EKS Pod Identity: ${env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] ? 'AWS_CONTAINER_CREDENTIALS_FULL_URI' : 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'})`,
  ],
  ['CREDENTIALS_IMDS', 'instance-metadata', () => 'EC2 instance metadata (instance role)'],
  ['CREDENTIALS_ENV_VARS', 'environment', (env) => `environment variables (AWS_ACCESS_KEY_ID${env['AWS_SESSION_TOKEN'] ? ' with AWS_SESSION_TOKEN' : ''})`],
  ['CREDENTIALS_CODE', 'code', () => 'credentials given in code'],
];

/** Name the kind of source from the SDK's credential feature marks, or from the variables when it left none. */
export function credentialSource(features: Readonly<Record<string, unknown>> | undefined, env: Env): CredentialSource {
  for (const [feature, kind, describe] of FEATURES) if (features?.[feature] !== undefined) return { kind, description: describe(env) };
  if (env['AWS_CONTAINER_CREDENTIALS_FULL_URI'] || env['AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'])
    return { kind: 'container', description: 'container credentials (ECS task role or EKS Pod Identity)' };
  if (env['AWS_ACCESS_KEY_ID']) return { kind: 'environment', description: 'environment variables (AWS_ACCESS_KEY_ID)' };
  return { kind: 'unknown', description: "the SDK's default chain (source not reported)" };
}

/** Ask the client's own credential chain for credentials; only the kind of source comes back. */
export async function findCredentials(client: SSMClient, env: Env): Promise<CredentialSource> {
  try {
    const identity = (await client.config.credentials()) as { $source?: Record<string, unknown> };
    return credentialSource(identity.$source, env);
  } catch (cause) {
    throw new CredentialsError('AWS credentials not found', { hint: CREDENTIALS_HINT, cause });
  }
}

/** The endpoint the client calls, and where that came from. */
export async function findEndpoint(client: SSMClient, configured: Resolved<string> | undefined, env: Env, region: string): Promise<Resolved<string>> {
  if (configured) return configured;
  const fromSdk = await client.config.serviceConfiguredEndpoint?.();
  if (fromSdk) {
    const variable = ['AWS_ENDPOINT_URL_SSM', 'AWS_ENDPOINT_URL'].find((v) => env[v] === fromSdk);
    return { value: fromSdk, from: variable ? `${variable} (environment)` : 'the shared config file (services section)' };
  }
  const url = client.config.endpointProvider({ Region: region, UseFIPS: false, UseDualStack: false }).url.href;
  return { value: url, from: 'the AWS default for the region' };
}
