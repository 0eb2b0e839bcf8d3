import { assignEnvNames } from '../data/keys';
import { RenderError } from '../errors';
import { getFormat, Unrepresentable, type Entry } from '../render/formats';
import type { ParameterType } from '../config/choices';
import { textTable } from './text-table';

/** One row of `ls`: a parameter (or, in local dev mode, a key of the merged data). */
export interface Listed {
  /** The full name, or the key in local dev mode. */
  readonly name: string;
  /** Relative to the listed path. */
  readonly key: string;
  readonly type: ParameterType;
  readonly version?: number | undefined;
  readonly lastModified?: Date | undefined;
  /** Local dev mode: where the value came from, e.g. `MYSQL_PASSWORD (environment)`. */
  readonly from?: string | undefined;
  /** Present only with --show-values. */
  readonly value?: string | undefined;
}

export { LS_FORMATS } from '../config/choices';
import type { LS_FORMATS } from '../config/choices';
export type LsFormat = (typeof LS_FORMATS)[number];

export const MASK = '********';

const iso = (d: Date | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f\u2028\u2029]|^\s|\s$/;
/** A value for one table cell: as is, or JSON-quoted when it holds a control character or edge spaces. */
const cell = (value: string) => (UNSAFE.test(value) || value === '' ? JSON.stringify(value) : value);

/** The table: NAME TYPE VERSION LAST-MODIFIED (local: KEY TYPE FROM), then VALUE with --show-values. */
export function formatTable(items: readonly Listed[], subPaths: readonly string[], options: { showValues: boolean; local: boolean }): string {
  const head = options.local ? ['KEY', 'TYPE', 'FROM'] : ['NAME', 'TYPE', 'VERSION', 'LAST MODIFIED'];
  const rows = [options.showValues ? [...head, 'VALUE'] : head];
  for (const item of items) {
    const base = options.local ? [item.name, item.type, item.from ?? '-'] : [item.name, item.type, String(item.version ?? '-'), iso(item.lastModified)];
    rows.push(options.showValues ? [...base, cell(item.value ?? '')] : base);
  }
  for (const path of subPaths) rows.push(options.local ? [path, 'path', '-'] : [path, 'path', '-', '-']);
  return textTable(rows);
}

/** JSON: a list of objects; `value` only with --show-values. */
export function formatJson(items: readonly Listed[], options: { showValues: boolean }): string {
  const list = items.map((i) => ({
    name: i.name,
    key: i.key,
    type: i.type,
    ...(i.version !== undefined && { version: i.version }),
    ...(i.lastModified !== undefined && { lastModified: iso(i.lastModified) }),
    ...(i.from !== undefined && { from: i.from }),
    ...(options.showValues && { value: i.value ?? '' }),
  }));
  return `${JSON.stringify(list, null, 2)}\n`;
}

/** dotenv or YAML through the render formats (the proven escaping); values masked unless shown. */
export function formatDocument(format: 'dotenv' | 'yaml', items: readonly Listed[], options: { showValues: boolean }): string {
  const envNames = assignEnvNames(items.map((i) => i.key));
  const entries: Entry[] = items.map((i, n) => ({ key: i.key, envName: envNames[n] as string, value: options.showValues ? (i.value ?? '') : MASK }));
  const writer = getFormat(format);
  try {
    return writer.document(entries);
  } catch (error) {
    if (!(error instanceof Unrepresentable)) throw error;
    const key = entries.find((e) => {
      try {
        writer.scalar(e.value);
        return false;
      } catch {
        return true;
      }
    })?.key;
    throw new RenderError(`The value of \`${key ?? '?'}\` cannot be written as ${format}: ${error.reason}`, {
      hint: 'use --format json, which holds any value',
    });
  }
}
