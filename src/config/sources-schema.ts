import * as z from 'zod/mini';
import { RELATIVE_KEY } from '../parameter-naming';

// One entry of `sources:`, in words, so that an error reads
// ``Expected `sources[1].role_arn` to be an IAM role ARN such as ..., got `arn:aws:iam::1:user/x` (string)``.

const text = (expectation: string) => z.string({ error: expectation }).check(z.minLength(1, { error: expectation }));
const KEY = 'a relative key such as `MYSQL/PASSWORD`';
const relativeKey = z.string({ error: KEY }).check(z.regex(RELATIVE_KEY, { error: KEY }));

const REGION = 'an AWS region such as `eu-west-1`';
const region = z.string({ error: REGION }).check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: REGION }));
const URL_TEXT = 'a URL such as `http://localhost:4566`';
const url = z.url({ error: URL_TEXT, protocol: /^https?$/ });

/** IAM's own pattern for a role ARN, with a path allowed (`role/team/reader`). */
export const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const ROLE = 'an IAM role ARN such as `arn:aws:iam::111111111111:role/ssm-render-reader`';
/** STS's pattern and length for `ExternalId`. */
const EXTERNAL_ID = 'an external id: 2 to 1224 letters, digits and + = , . @ : / -';

export const sourceSchema = z
  .strictObject({
    path: z.optional(text('a path such as `/ELASMETRICS/{env}/` ({env} and {prefix} are substituted)')),
    names: z.optional(
      z.record(relativeKey, text('a parameter name such as `/shared/tls/ca` (`:3` or `:label` selectors allowed)'), {
        error: 'a mapping of keys to parameter names',
      }),
    ),
    key_prefix: z.optional(relativeKey),
    expand_json: z.optional(z.array(relativeKey, { error: 'a list of keys whose JSON object value becomes keys, such as [DB]' })),
    role_arn: z.optional(z.string({ error: ROLE }).check(z.regex(ROLE_ARN, { error: ROLE }))),
    external_id: z.optional(z.string({ error: EXTERNAL_ID }).check(z.regex(/^[\w+=,.@:/-]{2,1224}$/, { error: EXTERNAL_ID }))),
    region: z.optional(region),
    fallback_region: z.optional(region),
    endpoint_url: z.optional(url),
    fallback_endpoint_url: z.optional(url),
  })
  .check(
    z.superRefine((s, ctx) => {
      if ((s.path === undefined) === (s.names === undefined)) {
        ctx.issues.push({ code: 'custom', message: 'exactly one of `path` (every parameter under it) or `names` (named parameters)', input: s, path: [] });
      }
      if (s.external_id !== undefined && s.role_arn === undefined) {
        ctx.issues.push({ code: 'custom', message: 'the `role_arn` that `external_id` is sent with', input: undefined, path: ['role_arn'] });
      }
      if (s.fallback_region !== undefined && s.fallback_region === s.region && s.fallback_endpoint_url === undefined) {
        ctx.issues.push({
          code: 'custom',
          message: 'another region than `region` (or give `fallback_endpoint_url` for another endpoint of the same region)',
          input: s.fallback_region,
          path: ['fallback_region'],
        });
      }
    }),
  );

export const sourcesSchema = z
  .array(sourceSchema, { error: 'a list of sources, each with `path` or `names`' })
  .check(z.minLength(1, { error: 'a list with at least one source (or no `sources:` at all for /<prefix>/<env>/)' }));

export type SourceEntry = z.infer<typeof sourceSchema>;
