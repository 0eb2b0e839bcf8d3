import type { ParameterStringFilter } from '@aws-sdk/client-ssm';
import { ParameterNotFoundError } from '../errors';
import { splitSelector } from '../parameter-naming';
import type { ParameterAdmin } from './ssm-admin';

/** What was not found, and the `/<prefix>/<env>/` layout when it is known. */
export interface NearMissQuery {
  /** Full names, or paths (ending with `/`) that held nothing. */
  readonly names: readonly string[];
  readonly prefix?: string | undefined;
  readonly env?: string | undefined;
}

/** Existing names close to what was asked for, each with the reason, e.g. `/P/PRODUCTION/A (ENV=PRODUCTION)`. */
export type NearMissFinder = (query: NearMissQuery) => Promise<string[]>;

export interface NearMissOptions {
  /** The whole search gives up after this long; the original error is never delayed for more. */
  readonly timeoutMs?: number;
  readonly maxShown?: number;
}

interface Layout {
  readonly prefix: string;
  readonly env: string | undefined;
}

/** The guide's layout `/<PREFIX>/<ENV>/...`: the settings' for a name under the prefix, else read from the name. */
function layoutOf(name: string, query: NearMissQuery): Layout | undefined {
  if (query.prefix !== undefined && query.env && name.startsWith(`${query.prefix}/`)) return { prefix: query.prefix, env: query.env };
  const parts = name.split('/').filter((p) => p !== '');
  return name.startsWith('/') && parts.length >= 3 ? { prefix: `/${parts[0]}`, env: parts[1] } : undefined;
}

/** The part of `name` that should be the same under another env: `MYSQL/PASSWORD`. */
function tailOf(name: string, layout: Layout | undefined): string {
  const base = layout?.env !== undefined ? `${layout.prefix}/${layout.env}/` : undefined;
  if (base !== undefined && name.startsWith(base)) return name.slice(base.length);
  return (
    name
      .split('/')
      .filter((p) => p !== '')
      .pop() ?? name
  );
}

function rootOf(name: string, layout: Layout | undefined): string | undefined {
  if (layout && layout.prefix !== '') return layout.prefix;
  const first = name.split('/')[1];
  return name.startsWith('/') && first ? `/${first}` : undefined;
}

/** Why `candidate` looks like `name`, or undefined when it does not. */
function reason(name: string, candidate: string, tail: string, layout: Layout | undefined): string | undefined {
  if (candidate === name) return undefined;
  if (candidate.toLowerCase() === name.toLowerCase()) return 'letter case differs';
  const lowerTail = `/${tail.toLowerCase()}`;
  if (!candidate.toLowerCase().endsWith(lowerTail)) return undefined;
  const sameCase = candidate.endsWith(`/${tail}`);
  if (layout && candidate.startsWith(`${layout.prefix}/`)) {
    const env = candidate.slice(layout.prefix.length + 1, candidate.length - tail.length - 1);
    if (env !== '' && !env.includes('/')) return sameCase ? `ENV=${env}` : `ENV=${env}, letter case differs`;
  }
  return `under ${candidate.slice(0, candidate.length - tail.length)}${sameCase ? '' : ', letter case differs'}`;
}

/** For a path that held nothing: the env-level paths under the same prefix that do hold parameters. */
function pathReasons(path: string, names: readonly string[], layout: Layout | undefined): string[] {
  const prefix = layout?.prefix ?? rootOf(path, undefined) ?? '';
  const envs = new Map<string, number>();
  for (const n of names) {
    if (!n.startsWith(`${prefix}/`)) continue;
    const env = n.slice(prefix.length + 1).split('/')[0];
    if (env && n.slice(prefix.length + 1).includes('/')) envs.set(env, (envs.get(env) ?? 0) + 1);
  }
  const caseDiffers = (env: string) => layout?.env !== undefined && env !== layout.env && env.toLowerCase() === layout.env.toLowerCase();
  return [...envs]
    .filter(([env]) => `${prefix}/${env}/` !== path)
    .map(([env, count]) => `${prefix}/${env}/ (ENV=${env}${caseDiffers(env) ? ', letter case differs' : ''}: ${count} parameter${count === 1 ? '' : 's'})`);
}

/**
 * Best effort, bounded: at most two DescribeParameters searches per name (names containing the same
 * relative name; everything under the prefix), one page each, all within `timeoutMs`. Any failure,
 * AccessDenied included, gives no near misses rather than hiding the original error.
 */
export function nearMissFinder(admin: ParameterAdmin, options: NearMissOptions = {}): NearMissFinder {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const maxShown = options.maxShown ?? 5;
  return async (query) => {
    const signal = AbortSignal.timeout(timeoutMs);
    const search = (filters: ParameterStringFilter[]) =>
      admin
        .describe(filters, { maxPages: 1, signal })
        .then((found) => found.map((p) => p.name))
        .catch(() => [] as string[]);
    const shown: string[] = [];
    for (const asked of query.names.filter((n) => !n.startsWith('/aws/')).slice(0, 3)) {
      const name = asked.endsWith('/') ? asked : splitSelector(asked).name;
      const layout = layoutOf(name, query);
      const root = rootOf(name, layout);
      const underRoot = root ? search([{ Key: 'Path', Option: 'Recursive', Values: [root] }]) : Promise.resolve([]);
      if (name.endsWith('/')) {
        shown.push(...pathReasons(name, await underRoot, layout));
        continue;
      }
      const tail = tailOf(name, layout);
      const [byTail, byRoot] = await Promise.all([search([{ Key: 'Name', Option: 'Contains', Values: [tail] }]), underRoot]);
      const reasons = new Map<string, string>();
      for (const candidate of [...byTail, ...byRoot]) {
        const why = reason(name, candidate, tail, layout);
        if (why !== undefined && !reasons.has(candidate)) reasons.set(candidate, why);
      }
      // Letter case first, then other envs, then anything else.
      const rank = (why: string) => (why === 'letter case differs' ? 0 : why.startsWith('ENV=') ? 1 : 2);
      shown.push(...[...reasons].sort((a, b) => rank(a[1]) - rank(b[1]) || (a[0] < b[0] ? -1 : 1)).map(([c, why]) => `${c} (${why})`));
    }
    return [...new Set(shown)].slice(0, maxShown);
  };
}

/** The same not-found error, its hint led by the near misses (when the finder found any). */
export async function withNearMisses(
  error: ParameterNotFoundError,
  finder: NearMissFinder | undefined,
  layout: Omit<NearMissQuery, 'names'> = {},
): Promise<ParameterNotFoundError> {
  const nearMisses = finder ? await finder({ names: error.names, ...layout }).catch(() => []) : [];
  if (nearMisses.length === 0) return error;
  return new ParameterNotFoundError(error.message, error.names, {
    hint: `similar names exist: ${nearMisses.join(', ')}${error.hint ? `; ${error.hint}` : ''}`,
    nearMisses,
    cause: error.cause,
  });
}
