import {
  AccessDeniedError,
  CredentialsError,
  KmsAccessError,
  ParameterNotFoundError,
  ServiceError,
  ThrottledError,
  type SsmRenderError,
} from '../errors';

export interface AwsCallContext {
  /** `GetParametersByPath`, `GetParameters`, ... */
  readonly operation: string;
  /** The path or the names asked for. */
  readonly resource: string;
  readonly region: string | undefined;
}

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number };
  $retryable?: { throttling?: boolean };
}

const CREDENTIALS_REJECTED = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'MissingAuthenticationTokenException',
]);
const EXPIRED = new Set(['ExpiredTokenException', 'ExpiredToken', 'RequestExpired']);
const THROTTLED = new Set(['ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded', 'TooManyUpdates']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

export const CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an IAM role (ECS task role, IRSA, EKS Pod Identity); for local development without AWS set LOCAL_DEV_MODE=true';

function parameterArn(region: string | undefined, resource: string): string {
  const name = resource.startsWith('/') ? resource.slice(1) : resource;
  return `arn:aws:ssm:${region ?? '*'}:*:parameter/${name}${resource.endsWith('/') ? '*' : ''}`;
}

function kmsError(error: AwsLikeError, ctx: AwsCallContext): KmsAccessError {
  const key = /arn:aws:kms:[^\s)]+/.exec(error.message ?? '')?.[0];
  const where = key ? ` (key ${key})` : '';
  return new KmsAccessError(`KMS refused to decrypt a SecureString in ${ctx.resource}${where}`, 'kms:Decrypt', key ?? 'the parameter\'s KMS key', {
    hint: `allow kms:Decrypt${key ? ` on ${key}` : ''} for this role, with the condition kms:ViaService = ssm.${ctx.region ?? '<region>'}.amazonaws.com, and check the key policy; \`ssm-render iam-policy --kms-key-arn ARN\` prints the statement`,
    cause: error,
  });
}

/** Turn whatever the SDK threw into one of our errors; AWS's message is kept only where it holds no value. */
export function fromAwsError(raw: unknown, ctx: AwsCallContext): SsmRenderError | Error {
  const error = (raw ?? {}) as AwsLikeError;
  const name = error.name ?? 'Error';
  const status = error.$metadata?.httpStatusCode;
  if (name === 'AbortError') return raw as Error;
  if (name === 'CredentialsProviderError') {
    return new CredentialsError('AWS credentials not found', { hint: CREDENTIALS_HINT, cause: raw });
  }
  if (EXPIRED.has(name)) {
    return new CredentialsError(`AWS rejected the credentials as expired (${name}) on ${ctx.operation}`, {
      hint: 'the session token expired; a role-based credential refreshes itself, static ones must be renewed',
      retryable: true,
      cause: raw,
    });
  }
  if (CREDENTIALS_REJECTED.has(name)) {
    return new CredentialsError(`AWS rejected the credentials (${name}) on ${ctx.operation}`, {
      hint: `check AWS_ACCESS_KEY_ID / AWS_PROFILE belong to this account and region (${ctx.region ?? 'unset'}), and that the clock is right`,
      cause: raw,
    });
  }
  if (name === 'InvalidKeyId' || (name === 'AccessDeniedException' && /kms|AWSKMS/i.test(error.message ?? ''))) {
    return kmsError(error, ctx);
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    const action = `ssm:${ctx.operation}`;
    const resource = parameterArn(ctx.region, ctx.resource);
    return new AccessDeniedError(`Access denied: ${action} on ${ctx.resource}`, action, resource, {
      hint: `allow ${action} on ${resource} for this role; \`ssm-render iam-policy\` prints the least-privilege policy`,
      cause: raw,
    });
  }
  if (THROTTLED.has(name) || error.$retryable?.throttling) {
    const attempts = error.$metadata?.attempts;
    return new ThrottledError(`Parameter Store throttled ${ctx.operation}${attempts ? ` after ${attempts} attempts` : ''}`, {
      hint: 'the ~40 calls/s limit is shared by every GetParameter* caller in the account and region: raise AWS_MAX_ATTEMPTS, set AWS_RETRY_MODE=adaptive, or spread sidecars with watch.jitter',
      cause: raw,
    });
  }
  if (name === 'ParameterNotFound' || name === 'ParameterVersionNotFound') {
    return new ParameterNotFoundError(`Parameter not found: ${ctx.resource}`, [ctx.resource], {
      hint: 'check the name (it is case-sensitive) and the version or label after `:`',
      cause: raw,
    });
  }
  const network = error.code ?? (raw as { cause?: { code?: string } })?.cause?.code;
  if ((network && NETWORK.has(network)) || name === 'TimeoutError' || name === 'RequestTimeout') {
    return new ServiceError(`Cannot reach Parameter Store for ${ctx.operation} (${network ?? name})`, {
      hint: 'check the network, AWS_ENDPOINT_URL / --endpoint-url if you use one, and the region',
      cause: raw,
    });
  }
  if (status !== undefined && status >= 500) {
    return new ServiceError(`Parameter Store failed ${ctx.operation} with HTTP ${status} (${name})`, {
      hint: 'a server-side error; it is retried, and it usually passes',
      cause: raw,
    });
  }
  return new ServiceError(`Parameter Store refused ${ctx.operation} on ${ctx.resource} (${name}${status ? `, HTTP ${status}` : ''})`, {
    hint: name === 'ValidationException' ? 'check the path and the parameter names in the config' : 'see the AWS error code',
    retryable: name === 'InvalidNextToken',
    cause: raw,
  });
}
