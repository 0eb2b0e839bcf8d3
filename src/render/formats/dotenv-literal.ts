import { refuse } from './refuse';

// Go's bufio.Scanner default limit (64 KiB including the newline); kubectl ignores the error and
// silently drops every later line.
const MAX_LITERAL_LINE_BYTES = 65_535;

/*
 * `KEY=value` with every byte literal, as docker --env-file, kubectl --from-env-file and ECS
 * environmentFiles read it: lines split on LF (a CR before it dropped), the value is everything
 * after the first =, nothing is unquoted, unescaped or trimmed (leading and trailing whitespace of
 * a value are kept by all three). Refused: LF and CR; the empty value (ECS skips such a line and
 * leaves the variable unset); a line longer than the scanner limit. Not refused: a second =, which
 * ECS agents before their SplitN fix cut the value at.
 */
export function literalScalar(value: string): string {
  if (value.includes('\n')) refuse('contains a line feed, which ends the line');
  if (value.includes('\r')) refuse('contains a carriage return, which the readers drop at a line end');
  if (value === '') refuse('is empty, and ECS environmentFiles skip a line with an empty value');
  requireLineFits(value);
  return value;
}

export function requireLineFits(line: string): void {
  if (Buffer.byteLength(line, 'utf8') > MAX_LITERAL_LINE_BYTES) {
    refuse(`makes a line longer than ${MAX_LITERAL_LINE_BYTES} bytes, the limit of the Go line scanners that read it`);
  }
}
