import { basename, extname } from 'node:path';
import type { ESCAPE_NAMES } from './choices';

export type EscapeName = (typeof ESCAPE_NAMES)[number];

const BY_EXTENSION: Record<string, EscapeName> = {
  '.env': 'dotenv',
  '.sh': 'shell',
  '.bash': 'shell',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.json': 'json',
  '.properties': 'properties',
};

/** The language a destination's values are escaped for, from its name (`app.env`, `.env.production`). */
export function languageForPath(destination: string): EscapeName | undefined {
  const name = basename(destination);
  if (name === '.env' || name.startsWith('.env.')) return 'dotenv';
  return BY_EXTENSION[extname(name).toLowerCase()];
}
