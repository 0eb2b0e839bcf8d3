import { CHECK_FILE } from '../../config/choices';
import type { CheckOptions, FileCheck, FileToWrite } from '../types';
import { CheckFailedError } from './check-error';
import { checkEnvironment } from './environment';
import { runCheck, type CheckEnd } from './run-check';

/** A changed file with a check, and where its new content is staged. */
export interface Staged {
  readonly file: FileToWrite & { readonly check: FileCheck };
  readonly path: string;
}

export const hasCheck = (file: FileToWrite): file is FileToWrite & { readonly check: FileCheck } => file.check !== undefined;

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

function outcomeOf(end: CheckEnd, check: FileCheck): string {
  switch (end.kind) {
    case 'exited':
      return `exit code ${end.code}`;
    case 'signaled':
      return `killed by ${end.signal}`;
    case 'timed-out':
      return `timed out after ${seconds(check.timeoutMs)}`;
    case 'not-found':
      return 'not found';
    case 'cannot-start':
      return `cannot start (${end.code})`;
  }
}

function hintOf(end: CheckEnd, program: string, path: string): string {
  switch (end.kind) {
    case 'timed-out':
      return `raise the template's \`check_timeout\` or make \`${program}\` faster; the destinations keep their last good content`;
    case 'not-found':
      return `install \`${program}\` or give its full path (the check runs with PATH=${path})`;
    case 'cannot-start':
      return `make \`${program}\` an executable file the process can run`;
    default:
      return `fix the parameter or the template so that \`${program}\` accepts the file (\`render --dry-run\` runs the checks too); the destinations keep their last good content`;
  }
}

function failure(staged: Staged, end: CheckEnd, stderr: string, env: Record<string, string>): CheckFailedError {
  const { destination, check } = staged.file;
  const program = check.argv[0] as string;
  const outcome = outcomeOf(end, check);
  const said = stderr === '' ? '' : `; its stderr ends with:\n${stderr}`;
  return new CheckFailedError(
    `Check \`${program}\` of ${destination} (template ${check.template}) failed: ${outcome}; nothing was committed${said}`,
    destination,
    program,
    outcome,
    { hint: hintOf(end, program, env['PATH'] ?? '') },
  );
}

/**
 * Run the check of each staged file, one after the other, on the staged path. The first that fails
 * (a non-zero exit, a signal, a timeout, a program that cannot start) stops the commit with a
 * CheckFailedError; its stderr is scrubbed by `redact` (without it, left out).
 */
export async function runChecks(staged: readonly Staged[], options: CheckOptions, signal: AbortSignal | undefined): Promise<void> {
  if (staged.length === 0) return;
  const redact = options.redact;
  const env = checkEnvironment(options.env ?? process.env, (text) => redact !== undefined && redact(text) !== text);
  const run = options.run ?? runCheck;
  for (const item of staged) {
    const { check, destination } = item.file;
    const argv = check.argv.map((arg) => arg.split(CHECK_FILE).join(item.path));
    signal?.throwIfAborted();
    const result = await run(argv, { env, timeoutMs: check.timeoutMs, signal });
    if (result.end.kind === 'exited' && result.end.code === 0) {
      options.onPassed?.(destination, check.argv[0] as string);
      continue;
    }
    throw failure(item, result.end, redact ? redact(result.stderr) : '', env);
  }
}
