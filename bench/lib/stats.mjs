// Medians and the fixed-width figures the tables print.

export function median(xs) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function quantile(xs, q) {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : NaN;
}

/** Milliseconds: 1 decimal below 100, whole above. */
export const ms = (x) => (Number.isFinite(x) ? (x < 100 ? x.toFixed(1) : Math.round(x).toString()) : '–');
export const mib = (kib) => (Number.isFinite(kib) ? (kib / 1024).toFixed(1) : '–');
export const ratio = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}x` : '–');
export const int = (x) => (Number.isFinite(x) ? Math.round(x).toString() : '–');

/** A markdown table; `align` is a string of l/r per column. */
export function table(headers, rows, align = '') {
  const sep = headers.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  return [headers, sep, ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}

/** `{GetParametersByPath: 10, GetParameters: 1}` as `GetParameters 1, GetParametersByPath 10`. */
export const calls = (byOp) =>
  Object.entries(byOp ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([op, n]) => `${op} ${n}`)
    .join(', ') || '0';

/** The median count of each operation over a list of `{ calls: { op: n } }`. */
export function medianCalls(list) {
  const ops = [...new Set(list.flatMap((x) => Object.keys(x.calls)))];
  return Object.fromEntries(ops.map((op) => [op, median(list.map((x) => x.calls[op] ?? 0))]));
}
