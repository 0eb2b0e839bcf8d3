import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../errors';
import type { NestedValues } from '../config/config';
import { RELATIVE_KEY } from '../parameter-naming';
import type { DataEntry, LayerName, SourcedParameter } from './entry';
import { envNameOf } from './keys';

/**
 * What the source answered, as the top layer: parameters under the path become keys relative to it,
 * named parameters take their configured key. Parameter Store's keep `parameter-store` as their
 * layer; local dev mode's keep the layer and the variable or file that supplied them.
 */
export function sourceLayer(byPath: readonly SourcedParameter[], path: string, named: ReadonlyMap<string, SourcedParameter>): DataEntry[] {
  const entries: DataEntry[] = byPath.map((p) => ({
    key: p.name.slice(path.length),
    value: p.value,
    type: p.type,
    layer: p.layer ?? 'parameter-store',
    origin: p.origin ?? p.name,
    version: p.version,
  }));
  for (const [key, p] of named) {
    entries.push({
      key,
      value: p.value,
      type: p.type,
      layer: p.layer ?? 'parameter-store',
      origin: p.origin ?? `${p.name}${p.selector ?? ''}`,
      version: p.version,
    });
  }
  return entries;
}

/**
 * The environment fills keys known from elsewhere: each key's own name (`MYSQL_PASSWORD`) first,
 * then its aliases in order (`ELASTICSEARCH/PASSWORD: ES_PASSWORD`).
 */
export function environmentLayer(
  keys: Iterable<string>,
  environment: Readonly<Record<string, string>>,
  aliases: ReadonlyMap<string, readonly string[]>,
): DataEntry[] {
  const entries: DataEntry[] = [];
  for (const key of new Set([...keys, ...aliases.keys()])) {
    for (const name of [envNameOf(key), ...(aliases.get(key) ?? [])]) {
      // Own variables only: an alias named `toString` must not find Object.prototype's.
      const value = Object.hasOwn(environment, name) ? environment[name] : undefined;
      if (value !== undefined) {
        entries.push({ key, value, type: 'String', layer: 'environment', origin: name });
        break;
      }
    }
  }
  return entries;
}

type Scalar = string | number | boolean;

/** Flatten nested mappings into relative keys; lists of scalars become StringList values. */
export function flatten(values: unknown, layer: LayerName, origin: string): DataEntry[] {
  const entries: DataEntry[] = [];
  const walk = (node: unknown, prefix: string) => {
    if (node === null || node === undefined) return;
    if (!prefix && (Array.isArray(node) || typeof node !== 'object')) throw new ConfigError(`${origin} must hold a mapping of keys to values`);
    if (Array.isArray(node)) {
      if (!node.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
        throw new ConfigError(`\`${prefix}\` in ${origin} is a list of mappings; only lists of plain values can be a value`);
      }
      entries.push({ key: prefix, value: (node as Scalar[]).map(String).join(','), type: 'StringList', layer, origin });
      return;
    }
    if (typeof node === 'object') {
      for (const [name, child] of Object.entries(node as Record<string, unknown>)) {
        const key = prefix ? `${prefix}/${name}` : name;
        if (!RELATIVE_KEY.test(key)) {
          throw new ConfigError(`\`${key}\` in ${origin} cannot be a key`, { hint: 'keys hold only letters, digits and _ . - (nesting makes the /)' });
        }
        walk(child, key);
      }
      return;
    }
    entries.push({ key: prefix, value: String(node as Scalar), type: 'String', layer, origin });
  };
  walk(values, '');
  return entries;
}

/**
 * A YAML or JSON defaults file. YAML is read with the failsafe schema, so every scalar stays the
 * text it was written as: `0755`, `yes` and `1e3` are not turned into numbers or booleans.
 */
export function fileLayer(file: string, layer: 'yaml' | 'json'): DataEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(`Cannot read defaults file \`${file}\` (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, {
      hint: "check `defaults.files` in the config file; relative paths start at the config file's directory",
      cause,
    });
  }
  let data: unknown;
  try {
    data = layer === 'yaml' ? parseYaml(text, { schema: 'failsafe' }) : JSON.parse(text);
  } catch {
    // The parser's message may quote the file, which may hold a password: name the file only.
    throw new ConfigError(`Defaults file \`${file}\` is not valid ${layer === 'yaml' ? 'YAML' : 'JSON'}`, { hint: 'check its syntax' });
  }
  return flatten(data ?? {}, layer, file);
}

export function valuesLayer(values: NestedValues): DataEntry[] {
  return flatten(values, 'defaults', '`defaults.values`');
}
