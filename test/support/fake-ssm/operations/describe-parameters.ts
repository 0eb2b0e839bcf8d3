import { AwsError, validationError } from '../errors';
import { DESCRIBE_FILTERS, filterScope, matches, parseFilters, type StringFilter } from '../filters';
import { parameterArn } from '../name-rules';
import { namesAfter, paginate } from '../pagination';
import type { Version } from '../store';
import { define, type OperationContext } from './context';
import { optionalInteger, optionalString } from './input';
import { wireMetadata } from './render';

interface DescribeRequest {
  filters: StringFilter[];
  maxResults: number;
  nextToken: string | undefined;
}

const LEGACY_KEYS = ['Name', 'Type', 'KeyId'];

/** The deprecated `Filters` member, read as Equals filters. */
function legacyFilters(raw: unknown): StringFilter[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((entry: Record<string, unknown>) => {
    const key = String(entry['Key']);
    if (!LEGACY_KEYS.includes(key)) {
      throw validationError(
        `1 validation error detected: Value '${key}' at 'filters.1.member.key' failed to satisfy constraint: Member must satisfy enum value set: [${LEGACY_KEYS.join(', ')}]`,
      );
    }
    const values = Array.isArray(entry['Values']) ? entry['Values'].map(String) : [];
    return { key, option: 'Equals', values };
  });
}

function pick(ctx: OperationContext, req: DescribeRequest, name: string): Version | undefined {
  const version = ctx.store.latest(name);
  return version && matches(req.filters, name, version, ctx.store.tags(name)) ? version : undefined;
}

/** The parameters the request lists that come after `after`, in name order. */
function* listing(ctx: OperationContext, req: DescribeRequest, after: string | null): Generator<{ name: string; version: Version }> {
  for (const name of namesAfter(ctx.store.names(), '', after)) {
    const version = pick(ctx, req, name);
    if (version) yield { name, version };
  }
}

const scope = (req: DescribeRequest) => `DescribeParameters|${filterScope(req.filters)}`;

export const describeParameters = define<DescribeRequest>({
  parse(input) {
    if (input['Filters'] != null && input['ParameterFilters'] != null) {
      throw new AwsError('ValidationException', 'You can use either Filters or ParameterFilters in a single request.');
    }
    return {
      filters: [...legacyFilters(input['Filters']), ...parseFilters(input['ParameterFilters'], DESCRIBE_FILTERS)],
      maxResults: optionalInteger(input, 'MaxResults', 1, 50) ?? 50,
      nextToken: optionalString(input, 'NextToken'),
    };
  },
  touches: (req, name, ctx) => pick(ctx, req, name) !== undefined,
  resource: (_req, ctx) => `arn:aws:ssm:${ctx.settings.region}:${ctx.settings.accountId}:*`,
  run(req, ctx) {
    const { pageSize, emptyPages } = ctx.settings;
    const cursor = ctx.tokens.decode(scope(req), req.nextToken, emptyPages);
    const page = paginate(listing(ctx, req, cursor.after), (item) => item.name, cursor, Math.min(req.maxResults, pageSize), emptyPages);
    const parameters = page.items.map(({ name, version }) => ({ ...wireMetadata(ctx, name, version), ARN: parameterArn(ctx.settings, name) }));
    const next = page.next && { NextToken: ctx.tokens.encode(scope(req), page.next) };
    return { body: { Parameters: parameters, ...next }, decrypted: [] };
  },
});
