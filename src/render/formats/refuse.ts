import { Unrepresentable } from './types';

export function refuse(reason: string): never {
  throw new Unrepresentable(reason);
}

// A lone UTF-16 surrogate cannot be written as UTF-8 without being replaced.
export function requireWellFormed(value: string): void {
  if (!value.isWellFormed()) refuse('is not valid Unicode (it has an unpaired surrogate)');
}

export function requireNoNul(value: string): void {
  if (value.includes('\0')) refuse('contains a NUL character, which an environment variable cannot hold');
}
