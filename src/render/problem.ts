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
  readonly loc?: { start: { line: number; column: number } };
  fn?: (context: unknown) => string;
}

export const lineOf = (options: HelperOptions | undefined): number | undefined => options?.loc?.start.line;
export const sourceOf = (options: HelperOptions): string => String(options.hash['__src'] ?? 'a value');
