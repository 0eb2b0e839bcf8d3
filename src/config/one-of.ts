import { ConfigError, type SsmRenderError } from '../errors';

/** How every message words a closed set: `one of json, pretty`. */
export function oneOfText(allowed: readonly string[]): string {
  return `one of ${allowed.join(', ')}`;
}

/**
 * Check a flag, setting or option against a closed set of values. The error names it and the value
 * received (a ConfigError, exit 2, unless the caller says which error its users expect).
 */
export function oneOf<T extends string>(
  name: string,
  value: unknown,
  allowed: readonly T[],
  fail: (message: string) => SsmRenderError = (message) => new ConfigError(message),
): T {
  if ((allowed as readonly unknown[]).includes(value)) return value as T;
  throw fail(`Expected \`${name}\` to be ${oneOfText(allowed)}, got \`${String(value)}\``);
}
