import type { Tree } from '../../data/tree';
import type { FORMATS, FormatName } from './catalog';

/**
 * A destination language. `scalar` writes one value as a complete, correctly quoted scalar of the
 * language (quotes included); `document` writes every entry with no template. Both throw
 * `Unrepresentable` when the language (or dialect) cannot hold a value byte-exact; the caller turns
 * that into a RenderError naming the key, the format and the destination.
 */
export interface Entry {
  /** Relative key, e.g. `MYSQL/PASSWORD`. */
  readonly key: string;
  /** Environment-variable name, e.g. `MYSQL_PASSWORD` (already validated and collision-free). */
  readonly envName: string;
  readonly value: string;
}

export interface Format {
  readonly name: FormatName;
  scalar(value: string): string;
  /**
   * Every entry, sorted by the caller, as a whole file (ends with a newline unless empty). A format
   * that nests keys by path gets their tree from `tree` when the caller has one to share: it is
   * `buildTree(entries)`.
   */
  document(entries: readonly Entry[], tree?: () => Tree): string;
}

export type { FormatName } from './catalog';

export type DotenvDialect = (typeof FORMATS.dotenv.dialects)[number];

/** Thrown by a format when a value cannot be written losslessly; `reason` never holds the value. */
export class Unrepresentable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'Unrepresentable';
  }
}
