import { AwsError } from '../errors';
import { parameterArn } from '../name-rules';
import { paginate } from '../pagination';
import { define, type Decryption } from './context';
import { optionalBoolean, optionalInteger, optionalString, requiredString } from './input';
import { shownValue, wireMetadata } from './render';

const versionKey = (version: number) => String(version).padStart(12, '0');

export const getParameterHistory = define({
  parse: (input) => ({
    name: requiredString(input, 'Name'),
    decrypt: optionalBoolean(input, 'WithDecryption'),
    maxResults: optionalInteger(input, 'MaxResults', 1, 50) ?? 50,
    nextToken: optionalString(input, 'NextToken'),
  }),
  touches: (req, name) => req.name === name,
  resource: (req, ctx) => parameterArn(ctx.settings, req.name),
  run(req, ctx) {
    const history = ctx.store.history(req.name);
    if (!history) throw new AwsError('ParameterNotFound', `Parameter ${req.name} not found.`);
    const { pageSize, emptyPages } = ctx.settings;
    const scope = `GetParameterHistory|${req.name}`;
    const cursor = ctx.tokens.decode(scope, req.nextToken, emptyPages);
    const rest = history.filter((v) => cursor.after === null || versionKey(v.version) > cursor.after);
    const page = paginate(rest, (v) => versionKey(v.version), cursor, Math.min(req.maxResults, pageSize), emptyPages);
    const decrypted: Decryption[] = [];
    const parameters = page.items.map((v) => ({
      ...wireMetadata(ctx, req.name, v),
      Value: shownValue(ctx, req.name, v, req.decrypt, decrypted),
      Labels: [...v.labels].sort(),
    }));
    const next = page.next && { NextToken: ctx.tokens.encode(scope, page.next) };
    return { body: { Parameters: parameters, ...next }, decrypted };
  },
});
