/**
 * Every error ssm-render raises carries a decision: the process exit code, whether it may pass by
 * itself (`retryable`: the watch loop then retries it soon, see `retry/policy.ts`), and a one-line
 * hint for the person reading it. Messages name keys, paths and settings, never a parameter value.
 */
export type ExitCode = 2 | 3 | 4 | 5;

export interface ErrorDetails {
  hint?: string;
  cause?: unknown;
}

export abstract class SsmRenderError extends Error {
  abstract readonly code: string;
  abstract readonly exitCode: ExitCode;
  /** It may pass by itself (throttling, 5xx, a timeout, expired credentials), so a retry soon is worth it. */
  readonly retryable: boolean = false;
  readonly hint: string | undefined;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.hint = details.hint;
  }
}

/** Exit 2: a flag, a setting or the config file is wrong. */
export class ConfigError extends SsmRenderError {
  readonly code = 'CONFIG_INVALID';
  readonly exitCode = 2;
}

/** Exit 3: no usable AWS credentials were found, or AWS rejected them. */
export class CredentialsError extends SsmRenderError {
  readonly code = 'CREDENTIALS';
  readonly exitCode = 3;
  override readonly retryable: boolean;
  constructor(message: string, details: ErrorDetails & { retryable?: boolean } = {}) {
    super(message, details);
    this.retryable = details.retryable ?? false;
  }
}

/** Exit 3: IAM (or a KMS key policy) refused an action on a resource. */
export class AccessDeniedError extends SsmRenderError {
  readonly code: string = 'ACCESS_DENIED';
  readonly exitCode = 3;
  constructor(
    message: string,
    readonly action: string,
    readonly resource: string,
    details: ErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** Exit 3: STS refused to let the caller assume a source's `role_arn` (the role's trust policy, or the caller's own policy). */
export class AssumeRoleDeniedError extends AccessDeniedError {
  override readonly code = 'ASSUME_ROLE_DENIED';
}

/** Exit 3: KMS refused to decrypt a SecureString (a special case of access denied). */
export class KmsAccessError extends AccessDeniedError {
  override readonly code = 'KMS_ACCESS_DENIED';
}

/** Exit 3: a parameter (or a whole path) that must exist does not. */
export class ParameterNotFoundError extends SsmRenderError {
  readonly code = 'PARAMETER_NOT_FOUND';
  readonly exitCode = 3;
  /** Existing names that look like what was asked for (another ENV, another letter case); best effort. */
  readonly nearMisses: readonly string[];
  constructor(
    message: string,
    readonly names: readonly string[],
    details: ErrorDetails & { nearMisses?: readonly string[] } = {},
  ) {
    super(message, details);
    this.nearMisses = details.nearMisses ?? [];
  }
}

/** Exit 3: PutParameter without overwrite on a name that already exists. */
export class ParameterExistsError extends SsmRenderError {
  readonly code = 'PARAMETER_EXISTS';
  readonly exitCode = 3;
  constructor(
    message: string,
    /** The full name of the parameter that exists. */
    readonly parameter: string,
    details: ErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** Exit 2: Parameter Store refused the request itself (a bad name, a value too long for the tier, ...). */
export class InvalidRequestError extends SsmRenderError {
  readonly code: string = 'INVALID_REQUEST';
  readonly exitCode = 2;
}

/** Exit 3: an account or parameter limit (10,000 standard parameters, 100 versions) stops the write. */
export class LimitExceededError extends SsmRenderError {
  readonly code = 'LIMIT_EXCEEDED';
  readonly exitCode = 3;
}

/** Exit 3: Parameter Store kept throttling after the SDK's retries. */
export class ThrottledError extends SsmRenderError {
  readonly code = 'THROTTLED';
  readonly exitCode = 3;
  override readonly retryable = true;
}

/** Exit 3: Parameter Store could not be reached or failed (5xx, timeout, connection). */
export class ServiceError extends SsmRenderError {
  readonly code: string = 'SERVICE_UNAVAILABLE';
  readonly exitCode = 3;
  override readonly retryable: boolean;
  constructor(message: string, details: ErrorDetails & { retryable?: boolean } = {}) {
    super(message, details);
    this.retryable = details.retryable ?? true;
  }
}

/** Exit 4: a template or a format cannot produce a correct file. */
export class RenderError extends SsmRenderError {
  readonly code: string = 'RENDER_FAILED';
  readonly exitCode = 4;
}

/** Exit 5: a destination could not be written. */
export class WriteError extends SsmRenderError {
  readonly code = 'WRITE_FAILED';
  readonly exitCode = 5;
  constructor(
    message: string,
    readonly path: string,
    details: ErrorDetails = {},
  ) {
    super(message, details);
  }
}

/** Several errors of one kind found in one pass (every template that failed, say). */
export class AggregateRenderError extends RenderError {
  override readonly code = 'RENDER_FAILED';
  constructor(readonly errors: readonly SsmRenderError[]) {
    super(errors.map((e) => e.message).join('; '), { hint: errors.find((e) => e.hint)?.hint });
  }
}

export function isSsmRenderError(error: unknown): error is SsmRenderError {
  return error instanceof SsmRenderError;
}

/** Describe a received value for a message: `-5` (number), `"abc"` (string). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return '`null`';
  if (Array.isArray(value)) return `a list (${value.length} ${value.length === 1 ? 'item' : 'items'})`;
  if (typeof value === 'object') return 'a mapping';
  return `\`${String(value)}\` (${typeof value})`;
}
