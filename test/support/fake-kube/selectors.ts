import { badRequest } from './status';
import type { KubeObject } from './types';

export type Selector = (object: KubeObject) => boolean;

type Term = { key: string; op: '=' | '!=' | 'exists' | '!exists'; value: string };

const FIELDS: Record<string, (o: KubeObject) => string> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
};

function terms(selector: string): Term[] {
  return selector
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
    .map((term): Term => {
      const match = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
      if (match) return { key: match[1] ?? '', op: match[2] === '!=' ? '!=' : '=', value: match[3] ?? '' };
      if (/^![^=!\s]+$/.test(term)) return { key: term.slice(1), op: '!exists', value: '' };
      if (/^[^=!\s]+$/.test(term)) return { key: term, op: 'exists', value: '' };
      throw badRequest(`unable to parse requirement: found '${term}', this fake knows only =, ==, != and existence`);
    });
}

/** `fieldSelector`: metadata.name and metadata.namespace, as for every resource of the real API. */
export function fieldSelector(selector: string | null): Selector {
  const parsed = terms(selector ?? '');
  for (const { key, op } of parsed) {
    if (!FIELDS[key] || op === 'exists' || op === '!exists') {
      throw badRequest(`"${key}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
  }
  return (object) => parsed.every(({ key, op, value }) => (FIELDS[key]?.(object) === value) === (op === '='));
}

/** `labelSelector`, equality-based: `a=b`, `a!=b`, `a`, `!a` (set-based `in (...)` is not spoken here). */
export function labelSelector(selector: string | null): Selector {
  const parsed = terms(selector ?? '');
  return (object) =>
    parsed.every(({ key, op, value }) => {
      const labels = object.metadata.labels ?? {};
      if (op === 'exists') return key in labels;
      if (op === '!exists') return !(key in labels);
      return (labels[key] === value) === (op === '=');
    });
}
