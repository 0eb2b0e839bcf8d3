import { AwsError, constraintError, validationError } from './errors';

const NAME_RULES =
  'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). If formed as a path, it can consist of ' +
  'sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';

export const PATH_RULES =
  'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
  'It can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following ' +
  'symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, ' +
  'must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.';

const SEGMENT = /^[a-zA-Z0-9_.-]+$/;
const RESERVED = /^(aws|ssm)/i;

/** The error PutParameter gives for `name`, or undefined when AWS would accept it. */
export function nameError(name: string, options: { allowReserved?: boolean } = {}): AwsError | undefined {
  if (name.length > 2048) return constraintError('name', 'Member must have length less than or equal to 2048');
  const hierarchical = name.includes('/');
  if (hierarchical && !name.startsWith('/')) return validationError('Parameter name must be a fully qualified name.');
  const segments = hierarchical ? name.slice(1).split('/') : [name];
  if (segments.some((s) => !SEGMENT.test(s))) return validationError(NAME_RULES);
  if (segments.length > 15) {
    return new AwsError('HierarchyLevelLimitExceededException', 'A hierarchy can have a maximum of 15 levels.');
  }
  const first = segments[0] ?? '';
  const reserved = hierarchical ? /^(aws|ssm)$/i.test(first) : RESERVED.test(first);
  return reserved && !options.allowReserved ? validationError(NAME_RULES) : undefined;
}

/** The path without its trailing slash (`/` stays `/`), or undefined when it is not a valid path. */
export function normalisePath(path: string): string | undefined {
  if (!path.startsWith('/') || path.length > 2048) return undefined;
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed === '/') return trimmed;
  return trimmed
    .slice(1)
    .split('/')
    .every((s) => SEGMENT.test(s))
    ? trimmed
    : undefined;
}

/** Whether `name` is a child (`recursive`: a descendant) of `path`; the path itself is not. */
export function inScope(name: string, path: string, recursive: boolean): boolean {
  const prefix = path === '/' ? '/' : `${path}/`;
  if (!name.startsWith(prefix) || name.length === prefix.length) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

export interface SelectorName {
  name: string;
  /** `:3` or `:label`, as AWS echoes it back in `Selector`. */
  selector?: string;
  version?: number;
  label?: string;
}

/** Splits `name:3` / `name:label` (names cannot contain a colon). */
export function parseSelector(raw: string): SelectorName {
  const at = raw.indexOf(':');
  if (at < 0) return { name: raw };
  const name = raw.slice(0, at);
  const part = raw.slice(at + 1);
  return /^\d+$/.test(part) ? { name, selector: `:${part}`, version: Number(part) } : { name, selector: `:${part}`, label: part };
}

export interface Account {
  region: string;
  accountId: string;
}

export function parameterArn(account: Account, name: string): string {
  return `arn:aws:ssm:${account.region}:${account.accountId}:parameter/${name.replace(/^\//, '')}`;
}
