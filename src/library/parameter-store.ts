import type { SSMClient } from '@aws-sdk/client-ssm';
import { PARAMETER_TIERS, PARAMETER_TYPES } from '../config/choices';
import { oneOf } from '../config/one-of';
import { InvalidRequestError, ParameterNotFoundError } from '../errors';
import { nameProblem, pathProblem, withTrailingSlash, type NameUse } from '../parameter-naming';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../config/config';
import { withNearMisses } from '../source/near-misses';
import { openParameterStore, type ParameterStoreConnection } from '../source/open-parameter-store';
import type { PutInput, PutResult } from '../source/ssm-admin';

export interface ParameterStoreOptions {
  /** The AWS region; default: the SDK's own (AWS_REGION, AWS_DEFAULT_REGION, the shared config file). */
  readonly region?: string | undefined;
  /** An endpoint such as LocalStack's; default: AWS_ENDPOINT_URL_SSM / AWS_ENDPOINT_URL, else AWS. */
  readonly endpoint?: string | undefined;
  /** Your own SSMClient (credentials, retries, middleware); `region` and `endpoint` are then ignored. */
  readonly client?: SSMClient | undefined;
}

export interface GetParameterOptions {
  /** Returned when the parameter does not exist, and only then: any other failure still throws. */
  readonly default?: string | undefined;
  /** Decrypt a SecureString (default true); false returns its ciphertext. */
  readonly decrypt?: boolean | undefined;
}

export interface GetParametersByPathOptions {
  /** Every level below the path (default true), or only its direct children. */
  readonly recursive?: boolean | undefined;
  readonly decrypt?: boolean | undefined;
}

/** What `putParameter` takes; see each field. */
export type PutParameterInput = PutInput;

/** The version `putParameter` created, and the tier the parameter is in. */
export type PutParameterResult = PutResult;

const invalid = (message: string) => new InvalidRequestError(message);

function checkName(name: unknown, use: NameUse): string {
  const problem = typeof name === 'string' ? nameProblem(name, use) : 'a name is a string';
  if (problem !== undefined || typeof name !== 'string')
    throw new InvalidRequestError(`\`${String(name)}\` cannot be a parameter name: ${problem}`, { hint: 'e.g. /ELASMETRICS/STAGING/MYSQL/PASSWORD' });
  return name;
}

function checkPut(input: PutParameterInput): void {
  checkName(input.name, 'write');
  if (typeof input.value !== 'string' || input.value === '')
    throw new InvalidRequestError(`The value for ${input.name} must be a non-empty string`, { hint: 'Parameter Store needs at least one character' });
  if (input.type !== undefined) oneOf('type', input.type, PARAMETER_TYPES, invalid);
  if (input.tier !== undefined) oneOf('tier', input.tier, PARAMETER_TIERS, invalid);
  if (input.keyId !== undefined && input.type !== undefined && input.type !== 'SecureString')
    throw new InvalidRequestError(`\`keyId\` applies to SecureString parameters, but \`type\` is ${input.type}`);
}

/**
 * Parameter Store with the guide's operations. The SDK client is made on first use (or yours is
 * used) and every error is one of ssm-render's typed errors, with a hint and never a value.
 */
export class ParameterStore {
  readonly #options: ParameterStoreOptions;
  #connection: Promise<ParameterStoreConnection> | undefined;

  constructor(options: ParameterStoreOptions = {}) {
    this.#options = options;
  }

  #connect(): Promise<ParameterStoreConnection> {
    const { region, endpoint, client } = this.#options;
    this.#connection ??= openParameterStore({
      region: region === undefined ? undefined : { value: region, from: 'the `region` option' },
      endpoint: endpoint === undefined ? undefined : { value: endpoint, from: 'the `endpoint` option' },
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      client,
    });
    // A failed connection (no region) is not cached: the next call tries again.
    this.#connection.catch(() => (this.#connection = undefined));
    return this.#connection;
  }

  /** One parameter's value (a StringList as its comma-joined text). */
  async getParameter(name: string, options: GetParameterOptions = {}): Promise<string> {
    checkName(name, 'read');
    const { admin, nearMisses } = await this.#connect();
    try {
      return (await admin.get(name, { decrypt: options.decrypt !== false })).value;
    } catch (error) {
      if (!(error instanceof ParameterNotFoundError)) throw error;
      if (options.default !== undefined) return options.default;
      throw await withNearMisses(error, nearMisses);
    }
  }

  /** Every parameter under `path`, keyed relative to it: `{ PASSWORD: '...', USER: '...', 'REPLICA/HOST': '...' }`. */
  async getParametersByPath(path: string, options: GetParametersByPathOptions = {}): Promise<Record<string, string>> {
    const problem = typeof path === 'string' ? pathProblem(path) : 'a path is a string';
    if (problem !== undefined)
      throw new InvalidRequestError(`\`${String(path)}\` cannot be a parameter path: ${problem}`, { hint: 'e.g. /ELASMETRICS/STAGING/MYSQL/' });
    const base = withTrailingSlash(path);
    const { source } = await this.#connect();
    const found = await source.byPath(base, { recursive: options.recursive !== false, decrypt: options.decrypt !== false });
    return Object.fromEntries(found.map((p) => [p.name.slice(base.length), p.value]));
  }

  /** Store a parameter; returns its new version and tier. */
  async putParameter(input: PutParameterInput): Promise<PutParameterResult> {
    checkPut(input);
    const { admin } = await this.#connect();
    return admin.put({ ...input, type: input.type ?? (input.overwrite && input.keyId === undefined ? undefined : 'SecureString') });
  }

  /** Delete a parameter and all its versions; ParameterNotFoundError when there is none. */
  async deleteParameter(name: string): Promise<void> {
    checkName(name, 'write');
    const { admin, nearMisses } = await this.#connect();
    try {
      await admin.delete(name);
    } catch (error) {
      if (error instanceof ParameterNotFoundError) throw await withNearMisses(error, nearMisses);
      throw error;
    }
  }

  /** Release the SDK client this instance made (a client passed in is left to its owner). */
  async close(): Promise<void> {
    const connection = this.#connection;
    this.#connection = undefined;
    if (connection) (await connection.catch(() => undefined))?.close();
  }
}
