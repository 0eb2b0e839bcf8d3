import {
  AccessDeniedError,
  CredentialsError,
  InvalidRequestError,
  KmsAccessError,
  LimitExceededError,
  ParameterExistsError,
  ParameterNotFoundError,
  ServiceError,
  ThrottledError,
  isSsmRenderError,
  type SsmRenderError,
} from '../errors';
import type { Resolved } from '../config/settings';
import { isThrottled } from '../retry/policy';
import { partitionOf } from './iam-policy';
import { notJsonAnswer } from './not-json-answer';

export interface AwsCallContext {
  /** `GetParametersByPath`, `GetParameters`, ... */
  readonly operation: string;
  /** The path or the names asked for. */
  readonly resource: string;
  readonly region: string | undefined;
  /** The endpoint as configured (absent: the SDK's own), for an answer that was not Parameter Store's. */
  readonly endpoint?: Resolved<string> | undefined;
}

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; attempts?: number };
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
const WRITES = new Set(['PutParameter', 'DeleteParameter', 'DeleteParameters']);
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'ECONNABORTED', 'EHOSTUNREACH', 'ENETUNREACH']);

export const CREDENTIALS_HINT =
  'set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or run with an IAM role (ECS task role, IRSA, EKS Pod Identity); for local development without AWS set LOCAL_DEV_MODE=true';

/**
 * The ARN IAM authorises the call on: the parameter, or for GetParametersByPath the path itself
 * (AWS: "the path specified in the request, not the parameters returned"), written as
 * `iam-policy` writes it, without the trailing slash.
 */
function parameterArn(region: string | undefined, resource: string): string {
  const name = resource.replace(/^\/+/, '').replace(/\/+$/, '');
  return `arn:${region ? partitionOf(region).partition : 'aws'}:ssm:${region ?? '*'}:*:parameter/${name}`;
}

function kmsError(error: AwsLikeError, ctx: AwsCallContext): KmsAccessError {
  const key = /arn:aws:kms:[^\s)]+/.exec(error.message ?? '')?.[0];
  const where = key ? ` (key ${key})` : '';
  if (ctx.operation === 'PutParameter') {
    return new KmsAccessError(`KMS refused to encrypt ${ctx.resource}${where}`, 'kms:Encrypt', key ?? 'the --key-id key', {
      hint: `check that --key-id names a key in ${ctx.region ?? 'this region'} (a key ARN, key id or alias/NAME) and allow kms:Encrypt and kms:GenerateDataKey on it; \`ssm-render iam-policy --read-write --kms-key-arn ARN\` prints the statement`,
      cause: error,
    });
  }
  return new KmsAccessError(`KMS refused to decrypt a SecureString in ${ctx.resource}${where}`, 'kms:Decrypt', key ?? "the parameter's KMS key", {
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
  // Already decided (the role's credential provider, `assume-role.ts`): kept as it is.
  if (isSsmRenderError(raw)) return raw;
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
    const resource = ctx.operation === 'DescribeParameters' ? `arn:aws:ssm:${ctx.region ?? '*'}:*:*` : parameterArn(ctx.region, ctx.resource);
    const command = WRITES.has(ctx.operation) ? 'ssm-render iam-policy --read-write' : 'ssm-render iam-policy';
    return new AccessDeniedError(`Access denied: ${action} on ${ctx.resource}`, action, resource, {
      hint: `allow ${action} on ${resource} for this role; \`${command}\` prints the least-privilege policy`,
      cause: raw,
    });
  }
  const write = writeOperationError(name, ctx, raw);
  if (write) return write;
  if (isThrottled(error)) {
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
  const notJson = notJsonAnswer(raw, ctx);
  if (notJson) return notJson;
  if (status !== undefined && status >= 500) {
    return new ServiceError(`Parameter Store failed ${ctx.operation} with HTTP ${status} (${name})`, {
      hint: 'a server-side error; it is retried, and it usually passes',
      cause: raw,
    });
  }
  if (name === 'ValidationException') {
    // AWS's message is never shown: for PutParameter it can quote the value. It only picks the hint.
    return new InvalidRequestError(`Parameter Store rejected ${ctx.operation} on ${ctx.resource} as invalid (ValidationException)`, {
      hint: validationHint(ctx.operation, error.message ?? ''),
      cause: raw,
    });
  }
  // Not an answer from AWS at all (a TypeError in our code or the SDK's): a bug, reported as one.
  if (error.$metadata === undefined && error.$fault === undefined) return raw instanceof Error ? raw : new Error(String(raw));
  return new ServiceError(`Parameter Store refused ${ctx.operation} on ${ctx.resource} (${name}${status ? `, HTTP ${status}` : ''})`, {
    hint: 'see the AWS error code',
    retryable: name === 'InvalidNextToken',
    cause: raw,
  });
}

function validationHint(operation: string, message: string): string {
  if (/tier|maximum parameter value|4096|8192/i.test(message))
    return 'the value is longer than its tier allows (Standard: 4 KB): pass --tier Advanced (8 KB) or Intelligent-Tiering';
  if (/type is required/i.test(message)) return 'a new parameter needs a type: pass --type String, StringList or SecureString';
  if (/KeyId/i.test(message)) return '--key-id applies to SecureString parameters only';
  if (/name|path/i.test(message)) return 'names start with /, hold only letters, digits and _ . - between slashes, and do not start with aws or ssm';
  if (operation === 'GetParametersByPath' || operation === 'GetParameters') return 'check the path and the parameter names in the config';
  return "check the name, the type, the tier and the value's size (AWS's own message is not shown: it can quote the value)";
}

/** The errors only a write can meet: each names the parameter and the way out. */
function writeOperationError(name: string, ctx: AwsCallContext, cause: unknown): SsmRenderError | undefined {
  switch (name) {
    case 'ParameterAlreadyExists':
      return new ParameterExistsError(`Parameter ${ctx.resource} already exists`, ctx.resource, {
        hint: 'pass --overwrite to store a new version of it (library: `overwrite: true`)',
        cause,
      });
    case 'ParameterLimitExceeded':
      return new LimitExceededError(`Parameter Store refused to create ${ctx.resource}: the account has reached its parameter limit (ParameterLimitExceeded)`, {
        hint: 'delete parameters no longer used, or create Advanced parameters (--tier Advanced: 100,000 per account and region)',
        cause,
      });
    case 'ParameterMaxVersionLimitExceeded':
      return new LimitExceededError(
        `Parameter ${ctx.resource} has 100 versions and its oldest carries a label, so no version can be added (ParameterMaxVersionLimitExceeded)`,
        {
          hint: 'move that label to a newer version (aws ssm label-parameter-version), then put again',
          cause,
        },
      );
    case 'HierarchyLevelLimitExceededException':
      return new InvalidRequestError(`Parameter name ${ctx.resource} has more than 15 levels (HierarchyLevelLimitExceededException)`, {
        hint: 'a name can have at most 15 levels of /',
        cause,
      });
    case 'TooManyUpdates':
      return new ThrottledError(`Too many concurrent updates to ${ctx.resource} (TooManyUpdates)`, {
        hint: 'another writer is changing this parameter at the same time; try again in a few seconds',
        cause,
      });
    case 'ParameterPatternMismatchException':
      return new InvalidRequestError(`The value does not match the allowed pattern of ${ctx.resource} (ParameterPatternMismatchException)`, {
        hint: 'see the pattern with `aws ssm describe-parameters`; the value is not shown',
        cause,
      });
    case 'UnsupportedParameterType':
      return new InvalidRequestError(`Parameter Store rejected the type of ${ctx.resource} (UnsupportedParameterType)`, {
        hint: 'pass --type String, StringList or SecureString',
        cause,
      });
    default:
      return undefined;
  }
}
