/**
 * Parameter Store's naming rules, in one place for every room: names, paths, relative keys, the
 * `:version` / `:label` selector and Secrets Manager references. Checked before a call, so that a
 * typo is a clear usage error (exit 2) instead of AWS's ValidationException. A leaf: it imports nothing.
 */

/** One level of a parameter name or path; also what a prefix level and ENV may hold. */
export const NAME_SEGMENT = /^[A-Za-z0-9_.-]+$/;
/** A key relative to `/<prefix>/<env>/`: levels joined by `/`, e.g. `MYSQL/PASSWORD`. */
export const RELATIVE_KEY = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
/** Names under it are Secrets Manager secrets read through Parameter Store (GetParameter(s) only, decrypted only). */
export const SECRETS_MANAGER_PREFIX = '/aws/reference/secretsmanager/';

const SELECTOR = /^:(?:\d+|[A-Za-z0-9_.-]{1,100})$/;
const RESERVED = /^(aws|ssm)/i;
const MAX_LEVELS = 15;
const MAX_LENGTH = 2048;

export type NameUse = 'read' | 'write';

export const isSecretsManagerReference = (name: string): boolean => name.startsWith(SECRETS_MANAGER_PREFIX);

// arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME holds six colons of its own.
const SECRET_ARN_COLONS = 6;

/** Where a selector may start: after the ARN's own colons in a Secrets Manager reference by ARN. */
function selectorSearchStart(raw: string): number {
  if (!isSecretsManagerReference(raw) || !raw.startsWith('arn:', SECRETS_MANAGER_PREFIX.length)) return 0;
  let at = SECRETS_MANAGER_PREFIX.length;
  for (let colon = 0; colon < SECRET_ARN_COLONS && at >= 0; colon++) at = raw.indexOf(':', at) + 1 || -1;
  return at < 0 ? raw.length : at;
}

/**
 * `name:3` / `name:label` -> the name and its selector. A name, a label and a secret's name hold no
 * colon, so the first colon starts the selector (`/aws/reference/secretsmanager/prod/db:AWSCURRENT`
 * -> `.../prod/db` and `:AWSCURRENT`); the one exception is a Secrets Manager reference by ARN,
 * whose selector can only follow the ARN's own six colons. The last colon would cut an ARN in two.
 */
export function splitSelector(raw: string): { name: string; selector: string } {
  const at = raw.indexOf(':', selectorSearchStart(raw));
  return at > 0 ? { name: raw.slice(0, at), selector: raw.slice(at) } : { name: raw, selector: '' };
}

/** Why `raw` cannot be a parameter name, or undefined when Parameter Store would take it. */
export function nameProblem(raw: string, use: NameUse): string | undefined {
  if (use === 'read' && isSecretsManagerReference(raw)) return undefined;
  const { name, selector } = use === 'read' ? splitSelector(raw) : { name: raw, selector: '' };
  if (use === 'write' && raw.includes(':')) return 'a name to write cannot carry a `:version` or `:label` selector';
  if (selector === ':') return 'the selector after `:` is empty';
  if (selector !== '' && !SELECTOR.test(selector)) return 'the selector after `:` is a version number or a label (letters, digits and _ . -)';
  if (name === '') return 'the name is empty';
  if (name.length > MAX_LENGTH) return `a name is at most ${MAX_LENGTH} characters`;
  const hierarchical = name.includes('/');
  if (hierarchical && !name.startsWith('/')) return 'a name with / must start with /';
  const segments = hierarchical ? name.slice(1).split('/') : [name];
  const bad = segments.find((s) => !NAME_SEGMENT.test(s));
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
      .some((s) => !NAME_SEGMENT.test(s))
  )
    return 'each level holds only letters, digits and _ . -';
  return undefined;
}

/** `/A/B` and `/A/B/` -> `/A/B/`; `/` stays `/`. */
export function withTrailingSlash(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}
