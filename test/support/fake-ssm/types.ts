export type ParameterType = 'String' | 'StringList' | 'SecureString';

export type FaultKind =
  | 'throttle'
  | 'server-error'
  | 'latency'
  | 'drop'
  | 'access-denied'
  | 'kms-denied'
  | 'invalid-next-token'
  | 'expired-token'
  | 'unrecognized-client'
  /** An HTML page (a proxy's, a captive portal's), HTTP `status` (default 503). */
  | 'html'
  /** The real answer, HTTP 200, with a stray character before the first value: not valid JSON. */
  | 'corrupt-json';

export interface FaultRule {
  /** An SSM operation name such as `GetParametersByPath`; absent matches every operation. */
  operation?: string;
  /** A parameter name (no selector); matches when the request touches that parameter. */
  name?: string;
  kind: FaultKind;
  /** How many matching calls the rule affects before it disappears; absent means forever. */
  times?: number;
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
}

export type RuntimeOptions = Omit<FakeSsmOptions, 'port'>;

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
  requests(): RequestRecord[];
  resetCounters(): void;
  setOptions(o: Partial<RuntimeOptions>): void;
  close(): Promise<void>;
}
