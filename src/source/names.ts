/**
 * Parameter Store's naming rules, checked before a call so that a typo is a clear usage error
 * (exit 2) instead of AWS's ValidationException.
 */
const SEGMENT = /^[A-Za-z0-9_.-]+$/;
const RESERVED = /^(aws|ssm)/i;
const MAX_LEVELS = 15;
const MAX_LENGTH = 2048;

export type NameUse = 'read' | 'write';

/** `name:3` / `name:label` -> the name and its selector (names themselves hold no colon). */
export function splitSelector(raw: string): { name: string; selector: string } {
  const at = raw.indexOf(':');
  return at > 0 ? { name: raw.slice(0, at), selector: raw.slice(at) } : { name: raw, selector: '' };
}

/** Why `raw` cannot be a parameter name, or undefined when Parameter Store would take it. */
export function nameProblem(raw: string, use: NameUse): string | undefined {
  if (use === 'read' && raw.startsWith('/aws/reference/secretsmanager/')) return undefined;
  const { name, selector } = use === 'read' ? splitSelector(raw) : { name: raw, selector: '' };
  if (use === 'write' && raw.includes(':')) return 'a name to write cannot carry a `:version` or `:label` selector';
  if (selector === ':') return 'the selector after `:` is empty';
  if (name === '') return 'the name is empty';
  if (name.length > MAX_LENGTH) return `a name is at most ${MAX_LENGTH} characters`;
  const hierarchical = name.includes('/');
  if (hierarchical && !name.startsWith('/')) return 'a name with / must start with /';
  const segments = hierarchical ? name.slice(1).split('/') : [name];
  const bad = segments.find((s) => !SEGMENT.test(s));
  if (bad !== undefined) return bad === '' ? 'a name cannot hold an empty level (`//`) or end with /' : 'each level holds only letters, digits and _ . -';
  if (segments.length > MAX_LEVELS) return `a name has at most ${MAX_LEVELS} levels`;
  const first = segments[0] ?? '';
  const reserved = hierarchical ? /^(aws|ssm)$/i.test(first) : RESERVED.test(first);
  if (reserved && !(use === 'read' && hierarchical && /^aws$/i.test(first))) return 'a name cannot start with aws or ssm (any letter case)';
  return undefined;
}

/** Why `path` cannot be a path for GetParametersByPath, or undefined. */
export function pathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'a path starts with /';
  if (path === '/') return undefined;
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  if (
    trimmed
      .slice(1)
      .split('/')
      .some((s) => !SEGMENT.test(s))
  )
    return 'each level holds only letters, digits and _ . -';
  return undefined;
}

/** `/A/B` and `/A/B/` -> `/A/B/`; `/` stays `/`. */
export function withTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
