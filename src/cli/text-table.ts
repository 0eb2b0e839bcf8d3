/**
 * Rows as aligned columns, two spaces apart, the last column unpadded; `indent` goes before each
 * row. The one table layout of `ls` and `health-check`.
 */
export function textTable(rows: readonly (readonly string[])[], indent = ''): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd() + '\n').join('');
}
