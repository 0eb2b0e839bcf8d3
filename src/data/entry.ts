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
