import { createHmac, timingSafeEqual } from 'node:crypto';
import { invalidNextToken } from './errors';

/** Where a listing stands: the key of the last item served, and the empty pages still due before the next one. */
export interface Cursor {
  after: string | null;
  empty: number;
}

export interface Page<T> {
  items: T[];
  next?: Cursor;
}

const MAC_BYTES = 16;

/** Opaque NextTokens bound to one listing (operation, path, filters); anything else is InvalidNextToken. */
export class TokenCodec {
  constructor(private readonly key: Buffer) {}

  encode(scope: string, cursor: Cursor): string {
    const payload = Buffer.from(JSON.stringify({ s: this.mac(scope).toString('hex'), a: cursor.after, e: cursor.empty }));
    return Buffer.concat([this.mac(payload), payload]).toString('base64');
  }

  /** The cursor of `token`, or the first page's cursor when there is no token. */
  decode(scope: string, token: string | undefined, emptyPages: number): Cursor {
    if (token === undefined) return { after: null, empty: emptyPages };
    const raw = Buffer.from(token, 'base64');
    const payload = raw.subarray(MAC_BYTES);
    if (raw.length <= MAC_BYTES || !timingSafeEqual(raw.subarray(0, MAC_BYTES), this.mac(payload))) throw invalidNextToken();
    const parsed = JSON.parse(payload.toString()) as { s: string; a: string | null; e: number };
    if (parsed.s !== this.mac(scope).toString('hex')) throw invalidNextToken();
    return { after: parsed.a, empty: parsed.e };
  }

  private mac(data: string | Buffer): Buffer {
    return createHmac('sha256', this.key).update(data).digest().subarray(0, MAC_BYTES);
  }
}

/**
 * One page from `rest` (the items after the cursor, in key order, read lazily), with `emptyPages`
 * empty pages served before each real one.
 */
export function paginate<T>(rest: Iterable<T>, key: (item: T) => string, cursor: Cursor, limit: number, emptyPages: number): Page<T> {
  const items: T[] = [];
  let more = false;
  for (const item of rest) {
    if (items.length === limit) {
      more = true;
      break;
    }
    items.push(item);
  }
  if (cursor.empty > 0 && items.length > 0) return { items: [], next: { after: cursor.after, empty: cursor.empty - 1 } };
  const last = items.at(-1);
  return more && last !== undefined ? { items, next: { after: key(last), empty: emptyPages } } : { items };
}

/** The index of the first entry of `sorted` that is >= `key`. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as string) < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** The names of `sorted` that start with `prefix` and come after `after`, in order. */
export function* namesAfter(sorted: readonly string[], prefix: string, after: string | null): Generator<string> {
  for (let i = lowerBound(sorted, after !== null && after > prefix ? after : prefix); i < sorted.length; i++) {
    const name = sorted[i] as string;
    if (!name.startsWith(prefix)) return;
    if (name !== after) yield name;
  }
}
