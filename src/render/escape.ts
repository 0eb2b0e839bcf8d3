import type { DialectName } from '../config/config';
import type { EscapeName } from '../config/language';
import { getFormat } from './formats';

/** Writes one value as a complete scalar of the destination's language; throws `Unrepresentable`. */
export type Escaper = (value: string) => string;

export function escaperFor(language: EscapeName, dialect: DialectName = 'portable'): Escaper {
  if (language === 'none') return (value) => value;
  const format = getFormat(language, { dialect });
  return (value) => format.scalar(value);
}
