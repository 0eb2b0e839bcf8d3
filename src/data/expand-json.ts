import { RenderError } from '../errors';
import { NAME_SEGMENT } from '../parameter-naming';
import type { DataEntry } from './entry';

/** What a JSON value is, in words, for a message: its type, never its value. */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/**
 * Whether every number in a JSON text is written as JavaScript writes it back (`5432`, not `1.50`,
 * `1e3` or a whole number past 2^53): what JSON.parse gives without the number's own text.
 */
function numbersRoundTrip(text: string): boolean {
  const outsideStrings = text.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return (outsideStrings.match(/-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g) ?? []).every((t) => String(Number(t)) === t);
}

/**
 * Numbers keep the text they were written as: JSON.parse hands it over on Node 21 and later; on
 * Node 20 the value is written back, which `numbersRoundTrip` has checked gives the same text.
 */
class JsonNumber {
  constructor(readonly text: string) {}
}
const keepNumberText: Reviver = (_key, value, context) => (typeof value === 'number' ? new JsonNumber(context?.source ?? String(value)) : value);
const HANDS_OVER_SOURCE = (JSON.parse as (text: string, reviver: Reviver) => unknown)('1', (_k, v, c) => c?.source ?? v) === '1';

/**
 * A parameter named in `expand_json`: its JSON object value becomes one key per field, nested
 * objects nesting the keys (`DB` -> `DB/user`, `DB/replica/host`). Anything else is a render error
 * naming the key, where it came from and what was found (the type, never the value).
 */
export function expandJson(entry: DataEntry, where: string): DataEntry[] {
  const refuse = (found: string, hint = 'store a JSON object of strings, numbers, booleans or nested objects, or remove the key from `expand_json`') =>
    new RenderError(`Key \`${entry.key}\` (${entry.origin}, ${where}) is in \`expand_json\` but ${found}`, { hint });
  let parsed: unknown;
  try {
    parsed = JSON.parse(entry.value, keepNumberText as Parameters<typeof JSON.parse>[1]);
  } catch {
    // The parser's own message quotes the text, which may be a password: say only that it is not JSON.
    throw refuse('its value is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || parsed instanceof JsonNumber) {
    const kind = parsed instanceof JsonNumber ? 'a number' : kindOf(parsed);
    throw refuse(`its value is ${kind}, not a JSON object`);
  }
  const entries: DataEntry[] = [];
  const walk = (node: Record<string, unknown>, key: string) => {
    if (Object.keys(node).length === 0) throw refuse(`\`${key}\` is an empty object, which would become no key at all`);
    for (const [field, value] of Object.entries(node)) {
      const child = `${key}/${field}`;
      if (!NAME_SEGMENT.test(field)) {
        throw refuse(`its field \`${child}\` cannot be a key`, 'field names hold only letters, digits and _ . - (nesting makes the /)');
      }
      if (typeof value === 'string' || typeof value === 'boolean') {
        entries.push({ ...entry, key: child, value: String(value), origin: `${entry.origin} (JSON ${child.slice(entry.key.length + 1)})` });
      } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        if (value instanceof JsonNumber)
          entries.push({ ...entry, key: child, value: value.text, origin: `${entry.origin} (JSON ${child.slice(entry.key.length + 1)})` });
        else walk(value as Record<string, unknown>, child);
      } else {
        throw refuse(`\`${child}\` is ${kindOf(value)}; only strings, numbers, booleans and nested objects can become keys`);
      }
    }
  };
  walk(parsed as Record<string, unknown>, entry.key);
  if (!HANDS_OVER_SOURCE && !numbersRoundTrip(entry.value)) {
    throw refuse(
      'it holds a number written in a form this Node.js cannot write back exactly (such as 1.50, 1e3, or a whole number past 2^53)',
      'write that number as a JSON string, or run on Node.js 22',
    );
  }
  return entries;
}
