import { validationError } from '../errors';
import { BY_PATH_FILTERS, filterScope, matches, parseFilters, type StringFilter } from '../filters';
import { inScope, normalisePath, parameterArn, PATH_RULES } from '../name-rules';
import { namesAfter, paginate } from '../pagination';
import type { Version } from '../store';
import { define, type Decryption, type OperationContext } from './context';
import { optionalBoolean, optionalInteger, optionalString, requiredString } from './input';
import { wireParameter } from './render';

interface ByPathRequest {
  /** As requested, for the resource of an IAM denial. */
  rawPath: string;
  path: string;
  recursive: boolean;
  decrypt: boolean;
  filters: StringFilter[];
  maxResults: number;
  nextToken: string | undefined;
}

/** The version a Label filter selects (or the latest), when it passes the other filters. */
function pick(ctx: OperationContext, req: ByPathRequest, name: string): Version | undefined {
  const labels = req.filters.filter((f) => f.key === 'Label').flatMap((f) => f.values);
  const history = ctx.store.history(name) ?? [];
  const chosen = labels.length === 0 ? history.at(-1) : history.findLast((v) => labels.some((l) => v.labels.has(l)));
  return chosen && matches(req.filters, name, chosen, ctx.store.tags(name)) ? chosen : undefined;
}

/** The parameters the request lists that come after `after`, in name order. */
function* listing(ctx: OperationContext, req: ByPathRequest, after: string | null): Generator<{ name: string; version: Version }> {
  for (const name of namesAfter(ctx.store.names(), req.path === '/' ? '/' : `${req.path}/`, after)) {
    const version = inScope(name, req.path, req.recursive) ? pick(ctx, req, name) : undefined;
    if (version) yield { name, version };
  }
}

const scope = (req: ByPathRequest) => `GetParametersByPath|${req.path}|${req.recursive}|${filterScope(req.filters)}`;

export const getParametersByPath = define<ByPathRequest>({
  parse(input) {
    const raw = requiredString(input, 'Path');
    const path = normalisePath(raw);
    if (path === undefined) throw validationError(PATH_RULES);
    if (path === '/aws/reference' || path.startsWith('/aws/reference/')) {
      throw validationError('The path /aws/reference is reserved for references to other services and does not support GetParametersByPath.');
    }
    return {
      rawPath: raw,
      path,
      recursive: optionalBoolean(input, 'Recursive'),
      decrypt: optionalBoolean(input, 'WithDecryption'),
      filters: parseFilters(input['ParameterFilters'], BY_PATH_FILTERS),
      maxResults: optionalInteger(input, 'MaxResults', 1, 10) ?? 10,
      nextToken: optionalString(input, 'NextToken'),
    };
  },
  touches: (req, name, ctx) => inScope(name, req.path, req.recursive) && pick(ctx, req, name) !== undefined,
  resource: (req, ctx) => parameterArn(ctx.settings, req.rawPath),
  run(req, ctx) {
    const { pageSize, emptyPages } = ctx.settings;
    const cursor = ctx.tokens.decode(scope(req), req.nextToken, emptyPages);
    const page = paginate(listing(ctx, req, cursor.after), (item) => item.name, cursor, Math.min(req.maxResults, pageSize), emptyPages);
    const decrypted: Decryption[] = [];
    const parameters = page.items.map((item) => wireParameter(ctx, item.name, item.version, req.decrypt, decrypted));
    const next = page.next && { NextToken: ctx.tokens.encode(scope(req), page.next) };
    return { body: { Parameters: parameters, ...next }, decrypted };
  },
});
