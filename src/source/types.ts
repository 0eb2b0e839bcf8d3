import type { ParameterType } from '../config/choices';
import type { LayerName } from '../data/entry';
import type { ParameterNotFoundError } from '../errors';

/** One parameter as its source returned it. */
export interface Parameter {
  /** Full name, e.g. `/ELASMETRICS/STAGING/MYSQL/PASSWORD` (without any selector). */
  readonly name: string;
  readonly type: ParameterType;
  /** Plaintext value (decrypted when asked); for StringList, the comma-joined raw string. */
  readonly value: string;
  readonly version: number;
  readonly lastModified?: Date | undefined;
  /** `:3` or `:label` when the parameter was asked for with a selector. */
  readonly selector?: string | undefined;
  /** Local dev mode: the layer that supplied the value (absent: Parameter Store)... */
  readonly layer?: Exclude<LayerName, 'parameter-store'> | undefined;
  /** ...and what in it: the variable's name or the file. Never the value. */
  readonly origin?: string | undefined;
}

/** What a caller needed and did not get, for `ParameterSource.notFound`. */
export interface NotFoundRequest {
  /** The path read. */
  readonly path: string;
  /** How messages name it: `/ELASMETRICS/STAGING/ (ENV=STAGING from ENV (environment))`. */
  readonly where: string;
  /** Keys the config requires that the answer lacked; empty: the path held nothing at all. */
  readonly keys: readonly string[];
}

export interface FetchOptions {
  readonly decrypt?: boolean;
  /** For `byPath`: every level below the path (default), or only its direct children. */
  readonly recursive?: boolean;
  readonly signal?: AbortSignal | undefined;
}

/** Where parameters come from. The runner receives one; it never builds an AWS client itself. */
export interface ParameterSource {
  /** Every parameter under `path` (recursive), following every page. */
  byPath(path: string, options?: FetchOptions): Promise<Parameter[]>;
  /**
   * Named parameters (selectors `name:3`, `name:label` and `/aws/reference/secretsmanager/...`
   * allowed), in batches of at most 10, keyed by the name as asked for. Any name Parameter Store
   * reports invalid is an error listing them all.
   */
  byNames(names: readonly string[], options?: FetchOptions): Promise<Map<string, Parameter>>;
  /**
   * The error for what a caller needed and this source did not have, worded for where it looks:
   * Parameter Store names the full names, the path ENV chose and the region it read; local dev mode
   * names the variables that would set each key. Undefined when that is no error for this source (an
   * empty answer in local dev mode, where every value is optional).
   */
  notFound(request: NotFoundRequest): ParameterNotFoundError | undefined;
}
