export type ParameterType = 'String' | 'StringList' | 'SecureString';

export type FaultKind =
  | 'throttle'
  | 'server-error'
  | 'unavailable'
  | 'latency'
  | 'drop'
  | 'reset'
  | 'truncated'
  /** The real answer, HTTP 200, its last brace replaced by `,]`: not valid JSON. */
  | 'invalid-json'
  /** The real answer, HTTP 200, with a stray character before the first value: JSON.parse's message then quotes the value. */
  | 'corrupt-json'
  /** An HTML page (a proxy's, a load balancer's, a captive portal's), HTTP `status` (default 503). */
  | 'html'
  | 'access-denied'
  | 'kms-denied'
  | 'invalid-next-token'
  | 'expired-token'
  | 'unrecognized-client';

export interface FaultRule {
  /**
   * An SSM operation name such as `GetParametersByPath`, or `AssumeRole`; absent matches every SSM
   * operation (an STS call only sees the rules that name it).
   */
  operation?: string;
  /** A parameter name (no selector); matches when the request touches that parameter. */
  name?: string;
  kind: FaultKind;
  /** How many matching calls the rule affects before it disappears; absent means forever. */
  times?: number;
  /** How many matching calls it lets through untouched first (a fault on the third page, say); default 0. */
  after?: number;
  /** The delay for `latency` rules. */
  latencyMs?: number;
  /** The HTTP status of an `html` rule's page. */
  status?: number;
}

export interface RateLimit {
  perSecond: number;
  /** Bucket capacity; defaults to `perSecond` (at least 1). */
  burst?: number;
}

export interface FakeSsmOptions {
  /** Default 0 (a random free port); the server always listens on 127.0.0.1 only. */
  port?: number;
  region?: string;
  accountId?: string;
  /** Upper bound of items per page of the paginated operations, below their `MaxResults`. */
  pageSize?: number;
  /** Empty pages (with a NextToken) served before the first real page and between real pages. */
  emptyPages?: number;
  latencyMs?: number;
  rateLimit?: RateLimit;
  /**
   * Another fake whose roles, issued credentials and key restrictions this one shares, as the
   * regions of one account share IAM: credentials its STS issued sign calls to this one.
   */
  sharedIam?: FakeSsm;
}

export type RuntimeOptions = Omit<FakeSsmOptions, 'port' | 'sharedIam'>;

/** Who may assume a role, and what its credentials may do. */
export interface RoleOptions {
  /** The access keys the trust policy lets assume it; absent: any caller. */
  trustedAccessKeys?: string[];
  /** The `sts:ExternalId` the trust policy requires; absent: none (one sent anyway is ignored, as AWS does). */
  externalId?: string;
  /**
   * The lifetime of the credentials issued, whatever the request asked: a test knob below AWS's
   * 900-second minimum, so that a test sees credentials expire and refresh.
   */
  durationSeconds?: number;
  /** The role's MaxSessionDuration (default 3600): a longer DurationSeconds is a ValidationError. */
  maxSessionDuration?: number;
  /**
   * Parameter name prefixes the role's credentials may touch, like IAM's `parameter/PREFIX*`
   * (end one with `/` to mean a path); any other resource is AccessDeniedException. Absent: any.
   */
  readablePaths?: string[];
}

/** Temporary credentials the fake's STS issued (never the secret or the token). */
export interface IssuedCredentials {
  accessKeyId: string;
  roleArn: string;
  sessionName: string;
  externalId?: string;
  /** ISO 8601, as STS announced it. */
  expiration: string;
}

export interface PutOptions {
  type?: ParameterType;
  keyId?: string;
  description?: string;
  labels?: string[];
}

export interface RequestRecord {
  operation: string;
  accessKeyId?: string;
  /** The region of the SigV4 credential scope. */
  region?: string;
  /** The ARNs an IAM check of the call names: parameters or a path for SSM, the role for AssumeRole. */
  resources?: string[];
  at: number;
}

export interface FakeSsmStats {
  calls: Record<string, number>;
  decryptions: number;
}

export interface FakeSsm {
  url: string;
  put(name: string, value: string, opts?: PutOptions): number;
  label(name: string, version: number, labels: string[]): void;
  putSecret(secretId: string, value: string): void;
  delete(name: string): void;
  value(name: string): string | undefined;
  /** Every parameter name, sorted. */
  names(): string[];
  inject(rule: FaultRule): void;
  clearFaults(): void;
  calls(): Record<string, number>;
  decryptions(): number;
  /** Calls each kind of fault applied to (a latency rule counts too), since the last resetCounters(). */
  faultsApplied(): Partial<Record<FaultKind, number>>;
  requests(): RequestRecord[];
  resetCounters(): void;
  setOptions(o: Partial<RuntimeOptions>): void;
  /** A role that the fake's STS AssumeRole (Query protocol, same URL) lets callers assume. */
  addRole(arn: string, options?: RoleOptions): void;
  /** Lets `accessKeyId` (long-term keys) touch only parameters under these prefixes, as `readablePaths` does for a role. */
  restrictAccessKey(accessKeyId: string, readablePaths: string[]): void;
  /** Expires every credential issued (for one role) now; returns how many. */
  expireCredentials(roleArn?: string): number;
  issuedCredentials(): IssuedCredentials[];
  close(): Promise<void>;
}
