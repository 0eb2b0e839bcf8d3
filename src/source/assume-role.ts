import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { RoleSpec } from '../config/sources';
import { AssumeRoleDeniedError, CredentialsError, ServiceError } from '../errors';

type CredentialProvider = ReturnType<typeof fromTemporaryCredentials>;

export interface AssumeRoleOptions {
  readonly role: RoleSpec;
  /** The region the STS client signs for (the source's). */
  readonly region: string | undefined;
  /** STS's endpoint for this source; undefined: AWS's for the region. */
  readonly endpoint: string | undefined;
  readonly hostname: string;
}

/** `ssm-render-<hostname>`, within STS's 64 characters and its alphabet (letters, digits and + = , . @ -). */
export function sessionName(hostname: string): string {
  return `ssm-render-${hostname}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** Turns what STS (or the way to it) threw into our error; STS's message names the caller and the role, never a value. */
function assumeRoleError(error: unknown, role: RoleSpec): Error {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number }; code?: string };
  const name = e.name ?? 'Error';
  if (name === 'AbortError') return error as Error;
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new AssumeRoleDeniedError(`Access denied: sts:AssumeRole on ${role.arn}`, 'sts:AssumeRole', role.arn, {
      hint: `check the trust policy of ${role.arn} names this caller (its role or account) as a principal${role.externalId === undefined ? '' : ' with the condition sts:ExternalId equal to `external_id`'}, and that the caller's own policy allows sts:AssumeRole on it; \`ssm-render iam-policy\` prints both`,
      cause: error,
    });
  }
  if (name === 'CredentialsProviderError') {
    return new CredentialsError(`AWS credentials not found to assume ${role.arn}`, {
      hint: 'the caller needs its own credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE, a pod role) to assume the role',
      cause: error,
    });
  }
  const status = e.$metadata?.httpStatusCode;
  if (name === 'InvalidClientTokenId' || name === 'SignatureDoesNotMatch' || name === 'ExpiredToken') {
    return new CredentialsError(`STS rejected the caller's credentials (${name}) when assuming ${role.arn}`, {
      hint: "check the caller's own credentials and the clock",
      cause: error,
    });
  }
  if (status === undefined || status >= 500 || name === 'Throttling' || name === 'TimeoutError') {
    return new ServiceError(`Cannot assume ${role.arn}: STS failed or could not be reached (${e.code ?? name})`, {
      hint: 'check the network and AWS_ENDPOINT_URL_STS if you use one; it is retried',
      cause: error,
    });
  }
  return new ServiceError(`STS refused to assume ${role.arn} (${name}, HTTP ${status})`, { hint: 'see the AWS error code', retryable: false, cause: error });
}

/**
 * Credentials from STS AssumeRole through the SDK's own provider; the client that uses them asks
 * again before they expire (within 5 minutes of it), so `watch` keeps reading across expiries.
 */
export function assumeRole(options: AssumeRoleOptions): CredentialProvider {
  const { role } = options;
  const provider = fromTemporaryCredentials({
    params: {
      RoleArn: role.arn,
      RoleSessionName: sessionName(options.hostname),
      ...(role.externalId === undefined ? {} : { ExternalId: role.externalId }),
    },
    clientConfig: {
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    },
  });
  return async (identityProperties) => {
    try {
      return await provider(identityProperties);
    } catch (error) {
      throw assumeRoleError(error, role);
    }
  };
}
