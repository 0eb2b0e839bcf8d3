import { RenderError, type ErrorDetails } from '../../errors';

/**
 * Exit 4: a template's `check` refused its new file, or could not run; nothing was committed. Not
 * retryable: the same bytes fail the same way, so `watch` tries again at its next interval.
 */
export class CheckFailedError extends RenderError {
  override readonly code = 'CHECK_FAILED';

  constructor(
    message: string,
    /** The destination whose new content the check refused. */
    readonly destination: string,
    /** The check's program (argv[0]). */
    readonly program: string,
    /** How it ended, in words: `exit code 3`, `timed out after 10s`, `not found`. */
    readonly outcome: string,
    details: ErrorDetails = {},
  ) {
    super(message, details);
  }

  /** The failure without the check's stderr, for places the redactor does not reach (/readyz). */
  get summary(): string {
    return `check failed for ${this.destination} (\`${this.program}\`: ${this.outcome})`;
  }
}
