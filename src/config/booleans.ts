import { ConfigError } from '../errors';

const TRUE = new Set(['true', '1', 'yes', 'on']);
const FALSE = new Set(['false', '0', 'no', 'off', '']);

/** Read a boolean setting strictly; anything else is an error naming the variable and the value. */
export function parseBoolean(name: string, value: string, from: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (TRUE.has(normalized)) return true;
  if (FALSE.has(normalized)) return false;
  throw new ConfigError(`Expected \`${name}\` to be true or false, got \`${value}\` (from ${from})`, {
    hint: `set ${name}=true or ${name}=false`,
  });
}
