import { basename } from 'node:path';
import { FORMATS, formatOfFileName } from '../render/formats/catalog';
import type { ESCAPE_NAMES } from './choices';

export type EscapeName = (typeof ESCAPE_NAMES)[number];

/** The language a destination's values are escaped for, from its name (`app.env`, `.env.production`). */
export function languageForPath(destination: string): EscapeName | undefined {
  return formatOfFileName(basename(destination));
}

const orList = (items: readonly string[]) => `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;

/** What to do when a destination's name says no language. */
export const LANGUAGE_HINT = `name the file ${orList(Object.values(FORMATS).map((f) => f.extensions[0]))}, or set \`escape:\` to ${orList([...Object.keys(FORMATS), 'none'])}`;
