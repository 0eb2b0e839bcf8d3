import { describe, expect, it } from 'vitest';
import { credentialSource } from '../../../src/source/client-info';

describe('credentialSource', () => {
  it.each([
    [{ CREDENTIALS_ENV_VARS: 'g' }, {}, 'environment', 'environment variables (AWS_ACCESS_KEY_ID)'],
    [{ CREDENTIALS_ENV_VARS: 'g' }, { AWS_SESSION_TOKEN: 't' }, 'environment', 'environment variables (AWS_ACCESS_KEY_ID with AWS_SESSION_TOKEN)'],
    [{ CREDENTIALS_PROFILE: 'n' }, { AWS_PROFILE: 'dev' }, 'profile', 'shared credentials profile `dev`'],
    [{ CREDENTIALS_PROFILE: 'n' }, {}, 'profile', 'shared credentials profile `default`'],
    [{ CREDENTIALS_PROFILE_SOURCE_PROFILE: 'o', CREDENTIALS_PROFILE: 'n' }, { AWS_PROFILE: 'x' }, 'profile', 'role assumed from profile `x`'],
    [{ CREDENTIALS_PROFILE_SSO: 'r', CREDENTIALS_SSO: 's' }, { AWS_PROFILE: 'sso' }, 'sso', 'SSO (IAM Identity Center) profile `sso`'],
    [
      { CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: 'h', CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: 'k' },
      {},
      'web-identity',
      'web identity token (IRSA: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)',
    ],
    [
      { CREDENTIALS_HTTP: 'z' },
      { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/x' },
      'container',
      'container credentials (ECS task role or EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)',
    ],
    [{ CREDENTIALS_IMDS: '0' }, {}, 'instance-metadata', 'EC2 instance metadata (instance role)'],
    [{ CREDENTIALS_PROCESS: 'w' }, {}, 'process', 'credential_process'],
    [undefined, { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://x' }, 'container', 'container credentials (ECS task role or EKS Pod Identity)'],
    [undefined, {}, 'unknown', "the SDK's default chain (source not reported)"],
  ])('%j with %j is %s', (features, env, kind, description) => {
    expect(credentialSource(features, env)).toEqual({ kind, description });
  });
});
