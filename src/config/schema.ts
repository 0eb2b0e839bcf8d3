// zod/mini: the same validation as zod's classic API at a fraction of its size and start-up cost.
import * as z from 'zod/mini';
import { ANY_DURATION, CALL_SPACING, checkDuration, DURATION_EXPECTED, POSITIVE_DURATION, type DurationRule } from './duration';
import { CHECK_FILE, COMMIT_MODES, DECODINGS, DIALECTS, ESCAPE_NAMES, SIGNALS, TEMPLATE_FORMAT_NAMES } from './choices';
import { oneOfText } from './one-of';
import { RELATIVE_KEY } from '../parameter-naming';
import { sourcesSchema } from './sources-schema';

/**
 * The config file's shape. Every field says what it expects in words, so that an error reads
 * ``Expected `templates[0].mode` to be an octal mode in quotes such as "0640", got `640` (number)``.
 */
const text = (expectation: string) => z.string({ error: expectation }).check(z.minLength(1, { error: expectation }));

// The issue carries the text as written: `500ms` is echoed as `500ms`, not as the number it became.
const duration = (rule: DurationRule) =>
  z.pipe(
    z.string({ error: DURATION_EXPECTED }),
    z.transform((value: string, ctx) => {
      const checked = checkDuration(value, rule);
      if (checked.expected === undefined) return checked.ms;
      ctx.issues.push({ code: 'custom', message: checked.expected, input: value });
      return z.NEVER;
    }),
  );

const MODE = 'an octal mode in quotes such as "0640"';
const mode = z.pipe(
  z.string({ error: MODE }).check(z.regex(/^0?[0-7]{3}$/, { error: MODE })),
  z.transform((value: string) => parseInt(value, 8)),
);

const id = (what: string) => {
  const expectation = `a numeric ${what} (0 or more)`;
  return z.int({ error: expectation }).check(z.gte(0, { error: expectation }));
};

const KEY = 'a relative key such as `MYSQL/PASSWORD`';
const relativeKey = z.string({ error: KEY }).check(z.regex(RELATIVE_KEY, { error: KEY }));

const oneOf = <T extends readonly [string, ...string[]]>(values: T, expectation = oneOfText(values)) => z.enum(values, { error: expectation });

const template = z
  .strictObject({
    source: z.optional(text('a template file path')),
    format: z.optional(oneOf(TEMPLATE_FORMAT_NAMES)),
    destination: text('a file path'),
    mode: z.optional(mode),
    uid: z.optional(id('uid')),
    gid: z.optional(id('gid')),
    escape: z.optional(oneOf(ESCAPE_NAMES)),
    dialect: z.optional(oneOf(DIALECTS)),
    include: z.optional(z.array(relativeKey, { error: 'a list of relative key prefixes' })),
    decode: z.optional(z.record(relativeKey, oneOf(DECODINGS), { error: 'a mapping of relative keys to a decoding, e.g. { TLS/KEYSTORE: base64 }' })),
    check: z.optional(
      z
        .array(text('a program or argument'), {
          error: 'a list: the program and its arguments, with `{{file}}` for the staged file, e.g. ["nginx", "-t", "-c", "{{file}}"]',
        })
        .check(z.minLength(1, { error: 'a list with at least the program' })),
    ),
    check_timeout: z.optional(duration(POSITIVE_DURATION)),
  })
  .check(
    z.superRefine((t, ctx) => {
      if ((t.source === undefined) === (t.format === undefined)) {
        ctx.issues.push({ code: 'custom', message: 'exactly one of `source` (a template) or `format` (a built-in format)', input: t, path: [] });
      }
      if (t.check !== undefined && !t.check.some((arg) => arg.includes(CHECK_FILE))) {
        ctx.issues.push({
          code: 'custom',
          message: `a list with \`${CHECK_FILE}\` in an argument, where the staged file's path goes (a check that does not read the new file checks nothing)`,
          input: t.check,
          path: ['check'],
        });
      }
      if (t.check_timeout !== undefined && t.check === undefined) {
        // Reported at `check`: `check_timeout` itself is fine, and its text is already a number of ms here.
        ctx.issues.push({
          code: 'custom',
          message: 'the program `check_timeout` applies to, e.g. ["nginx", "-t", "-c", "{{file}}"]',
          input: undefined,
          path: ['check'],
        });
      }
      if (t.decode !== undefined && t.format !== 'files') {
        ctx.issues.push({
          code: 'custom',
          message: 'absent: `decode` applies to `format: files`, which writes each key as a file',
          input: t.decode,
          path: ['decode'],
        });
      }
      if (t.format === 'files' && t.check !== undefined) {
        ctx.issues.push({
          code: 'custom',
          message: 'absent: `check` runs on one staged file, and `format: files` writes a directory of them',
          input: t.check,
          path: ['check'],
        });
      }
      if (t.format === 'files' && t.dialect !== undefined) {
        ctx.issues.push({
          code: 'custom',
          message: 'absent: `dialect` applies to dotenv output; `format: files` writes each value as it is',
          input: t.dialect,
          path: ['dialect'],
        });
      }
      if (t.format !== undefined && t.escape !== undefined) {
        ctx.issues.push({
          code: 'custom',
          message: 'absent: `escape` applies to templates, a built-in format escapes for itself',
          input: t.escape,
          path: ['escape'],
        });
      }
    }),
  );

const signal = oneOf(SIGNALS, `a signal name: ${SIGNALS.join(', ')}`);
const FRACTION = 'a fraction between 0 and 1, such as 0.1';
const REFRESHES = 'a whole number of refreshes from 1 to 1000, such as 10';

// A Kubernetes object name (DNS subdomain): lower-case letters, digits, `-` and `.`, at most 253.
const OBJECT_NAME = 'a Kubernetes object name such as `ssm-render-app` (lower-case letters, digits, `-`, `.`)';
const objectName = z
  .string({ error: OBJECT_NAME })
  .check(z.maxLength(253, { error: OBJECT_NAME }), z.regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { error: OBJECT_NAME }));

const share = z.strictObject({
  kubernetes: z.strictObject({
    lease: objectName,
    configmap: objectName,
    spread: z.optional(duration(ANY_DURATION)),
    lease_duration: z.optional(duration(CALL_SPACING)),
  }),
});

const watch = z.strictObject({
  interval: z.optional(duration(CALL_SPACING)),
  share: z.optional(share),
  jitter: z.optional(z.number({ error: FRACTION }).check(z.gte(0, { error: FRACTION }), z.lte(1, { error: FRACTION }))),
  max_stale: z.optional(duration(POSITIVE_DURATION)),
  backoff: z.optional(duration(CALL_SPACING)),
  discovery_interval: z.optional(z.int({ error: REFRESHES }).check(z.gte(1, { error: REFRESHES }), z.lte(1000, { error: REFRESHES }))),
});

const onChange = z
  .strictObject({
    command: z.optional(
      z
        .array(text('a program or argument'), { error: 'a list: the program and its arguments, e.g. ["sh", "-c", "..."]' })
        .check(z.minLength(1, { error: 'a list with at least the program' })),
    ),
    timeout: z.optional(duration(POSITIVE_DURATION)),
    signal: z.optional(signal),
    pid_file: z.optional(text('a file holding the pid to signal')),
    touch: z.optional(text('a file whose mtime moves on every change')),
  })
  .check(
    z.superRefine((o, ctx) => {
      if ((o.signal === undefined) !== (o.pid_file === undefined)) {
        ctx.issues.push({ code: 'custom', message: 'both `signal` and `pid_file`, or neither', input: o, path: [] });
      }
    }),
  );

const exec = z.strictObject({
  reload_signal: z.optional(signal),
  on_change: z.optional(oneOf(['signal', 'restart', 'none'] as const)),
  kill_timeout: z.optional(duration(ANY_DURATION)),
});

type NestedValues = { [key: string]: string | number | boolean | NestedValues };
const nestedValues: z.ZodMiniType<NestedValues> = z.lazy(() =>
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), nestedValues], { error: 'text, a number, `true`/`false` or a nested mapping' }), {
    error: 'a mapping of keys to text values (nested mappings allowed)',
  }),
);

export const configFileSchema = z.strictObject({
  prefix: z.optional(z.string({ error: 'a path prefix such as `/ELASMETRICS`' })),
  env: z.optional(text('an environment name such as `STAGING`')),
  region: z.optional(text('an AWS region such as `eu-west-1`')),
  endpoint: z.optional(z.url({ error: 'a URL such as `http://localhost:4566`' })),
  request_timeout: z.optional(duration(POSITIVE_DURATION)),
  parameters: z.optional(
    z.record(relativeKey, text('a parameter name such as `/aws/reference/secretsmanager/prod/db` (`:3` or `:label` selectors allowed)'), {
      error: 'a mapping of keys to parameter names',
    }),
  ),
  sources: z.optional(sourcesSchema),
  required: z.optional(z.array(relativeKey, { error: 'a list of relative keys such as `MYSQL/PASSWORD`' })),
  aliases: z.optional(
    z.record(
      relativeKey,
      z.union([text('an environment variable name'), z.array(text('an environment variable name'))], {
        error: 'an environment variable name or a list of them',
      }),
      {
        error: 'a mapping of relative keys to environment variable names',
      },
    ),
  ),
  allow_empty: z.optional(z.boolean({ error: '`true` or `false`' })),
  defaults: z.optional(
    z.strictObject({
      files: z.optional(z.array(text('a YAML or JSON file path'), { error: 'a list of YAML or JSON file paths' })),
      values: z.optional(nestedValues),
    }),
  ),
  templates: z.optional(z.array(template, { error: 'a list of templates' })),
  commit: z.optional(oneOf(COMMIT_MODES)),
  watch: z.optional(watch),
  on_change: z.optional(onChange),
  exec: z.optional(exec),
});

export type SignalName = (typeof SIGNALS)[number];

export type ConfigFile = z.infer<typeof configFileSchema>;
export type TemplateEntry = z.infer<typeof template>;
