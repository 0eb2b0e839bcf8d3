import type { ParameterType } from '../config/choices';

/** Where a value came from, highest precedence first (the guide's order). */
export type LayerName = 'parameter-store' | 'environment' | 'yaml' | 'json' | 'defaults';

export interface DataEntry {
  /** Relative key, e.g. `MYSQL/PASSWORD`. */
  readonly key: string;
  readonly value: string;
  readonly type: ParameterType;
  readonly layer: LayerName;
  /** What supplied it: the parameter's full name, the variable's name, or the file. Never the value. */
  readonly origin: string;
  readonly version?: number | undefined;
}

/** What a source answered for one name: the shape of source/'s `Parameter` that a layer needs (data/ does not import source/). */
export interface SourcedParameter {
  /** The full name, e.g. `/ELASMETRICS/STAGING/MYSQL/PASSWORD`. */
  readonly name: string;
  readonly value: string;
  readonly type: ParameterType;
  readonly version: number;
  readonly selector?: string | undefined;
  /** Local dev mode's values say which layer and what in it supplied them; absent: Parameter Store. */
  readonly layer?: Exclude<LayerName, 'parameter-store'> | undefined;
  readonly origin?: string | undefined;
}
