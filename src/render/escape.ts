import type { EscapeName } from '../config/language';
import { getFormat, type DialectName } from './formats';

/** Writes one value as a complete scalar of the destination's language; throws `Unrepresentable`. */
export type Escaper = (value: string) => string;

/** How `{{X}}` and the format helpers write a value: the format's scalar, or the value as it is. */
export function escaperFor(language: EscapeName, dialect?: DialectName): Escaper {
  if (language === 'none') return (value) => value;
  const format = getFormat(language, dialect === undefined ? {} : { dialect });
  return (value) => format.scalar(value);
}
