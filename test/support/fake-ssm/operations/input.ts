import { AwsError, constraintError } from '../errors';

// Readers for request members: a wrong JSON type is a SerializationException, a broken constraint a ValidationException.

const serialization = (member: string) => new AwsError('SerializationException', `Unexpected value type for member ${member}.`);

const memberName = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);

export function optionalString(input: Record<string, unknown>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw serialization(key);
  return value;
}

export function requiredString(input: Record<string, unknown>, key: string, min = 1, max = 2048): string {
  const value = optionalString(input, key);
  if (value === undefined) throw constraintError(memberName(key), 'Member must not be null', 'null');
  if (value.length < min) throw constraintError(memberName(key), `Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw constraintError(memberName(key), `Member must have length less than or equal to ${max}`);
  return value;
}

export function optionalBoolean(input: Record<string, unknown>, key: string): boolean {
  const value = input[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw serialization(key);
  return value;
}

export function optionalInteger(input: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw serialization(key);
  if (value < min) throw constraintError(memberName(key), `Member must have value greater than or equal to ${min}`, String(value));
  if (value > max) throw constraintError(memberName(key), `Member must have value less than or equal to ${max}`, String(value));
  return value;
}

/** A list of strings such as `Names` (1..max entries); the error shows names only, as AWS does. */
export function stringList(input: Record<string, unknown>, key: string, max: number): string[] {
  const value = input[key];
  if (value === undefined || value === null) throw constraintError(memberName(key), 'Member must not be null', 'null');
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw serialization(key);
  const shown = `[${value.join(', ')}]`;
  if (value.length < 1) throw constraintError(memberName(key), 'Member must have length greater than or equal to 1', shown);
  if (value.length > max) throw constraintError(memberName(key), `Member must have length less than or equal to ${max}`, shown);
  return value as string[];
}

export function oneOf<T extends string>(input: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
  const value = optionalString(input, key);
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw constraintError(memberName(key), `Member must satisfy enum value set: [${allowed.join(', ')}]`, value);
}
