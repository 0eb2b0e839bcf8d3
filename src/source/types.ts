import type { ParameterType } from '../config/choices';

/** One parameter as Parameter Store returned it. */
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
}
