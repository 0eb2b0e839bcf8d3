/** Raised inside a template run; the caller adds the template's file name. Never holds a value. */
export class TemplateProblem extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
    readonly kind: 'missing' | 'value' | 'usage',
  ) {
    super(message);
    this.name = 'TemplateProblem';
  }
}

export interface HelperOptions {
  /** The helper's name, as the template wrote it. */
  readonly name?: string;
  readonly hash: Record<string, unknown>;
  readonly data?: Record<string, unknown>;
  fn?: (context: unknown) => string;
}

/** Hash keys the rewrite (transform.ts) gives our helpers: the line of the call, and the text of what it was called on. */
export const LINE = '__line';
export const SOURCE = '__src';

// The rewrite puts both in the hash of every call to one of our helpers.
export const lineOf = (options: HelperOptions | undefined): number | undefined => options?.hash[LINE] as number | undefined;
export const sourceOf = (options: HelperOptions): string => String(options.hash[SOURCE] ?? 'a value');
