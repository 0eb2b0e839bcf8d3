import { z } from 'zod';
import { parseDuration } from './duration';

/**
 * The config file's shape. Every field says what it expects in words, so that an error reads
 * ``Expected `templates[0].mode` to be an octal mode in quotes such as "0640", got `640` (number)``.
 */
const text = (expectation: string) => z.string({ error: expectation }).min(1, { error: expectation });

const duration = (expectation = 'a duration such as `30s` or `5m`') =>
  z.string({ error: expectation }).transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: expectation, input: value });
      return z.NEVER;
    }
    return ms;
  });

const mode = z
  .string({ error: 'an octal mode in quotes such as "0640"' })
  .regex(/^0?[0-7]{3}$/, { error: 'an octal mode in quotes such as "0640"' })
  .transform((value) => parseInt(value, 8));

const id = (what: string) => z.number({ error: `a numeric ${what} (0 or more)` }).int({ error: `a numeric ${what} (0 or more)` }).min(0, { error: `a numeric ${what} (0 or more)` });

const relativeKey = z
  .string({ error: 'a relative key such as `MYSQL/PASSWORD`' })
  .regex(/^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/, { error: 'a relative key such as `MYSQL/PASSWORD`' });

export const FORMAT_NAMES = ['dotenv', 'shell', 'yaml', 'json', 'properties'] as const;
export const ESCAPE_NAMES = [...FORMAT_NAMES, 'none'] as const;
export const DIALECTS = ['portable', 'node', 'python', 'literal'] as const;

const template = z
  .strictObject({
    source: text('a template file path').optional(),
    format: z.enum(FORMAT_NAMES, { error: `one of ${FORMAT_NAMES.join(', ')}` }).optional(),
    destination: text('a file path'),
    mode: mode.optional(),
    uid: id('uid').optional(),
    gid: id('gid').optional(),
    escape: z.enum(ESCAPE_NAMES, { error: `one of ${ESCAPE_NAMES.join(', ')}` }).optional(),
    dialect: z.enum(DIALECTS, { error: `one of ${DIALECTS.join(', ')}` }).optional(),
    include: z.array(relativeKey, { error: 'a list of relative key prefixes' }).optional(),
  })
  .superRefine((t, ctx) => {
    if ((t.source === undefined) === (t.format === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'exactly one of `source` (a template) or `format` (a built-in format)', input: t, path: [] });
    }
    if (t.format !== undefined && t.escape !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'absent: `escape` applies to templates, a built-in format escapes for itself', input: t.escape, path: ['escape'] });
    }
  });

const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTERM', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT'] as const;
const signal = z.enum(SIGNALS, { error: `a signal name: ${SIGNALS.join(', ')}` });

const watch = z.strictObject({
  interval: duration().refine((ms) => ms >= 1_000, { error: 'at least `1s`' }).optional(),
  jitter: z.number({ error: 'a fraction between 0 and 1, such as 0.1' }).min(0, { error: 'a fraction between 0 and 1, such as 0.1' }).max(1, { error: 'a fraction between 0 and 1, such as 0.1' }).optional(),
  max_stale: duration().optional(),
  backoff: duration().optional(),
});

const onChange = z.strictObject({
  command: z.array(text('a program or argument'), { error: 'a list: the program and its arguments, e.g. ["sh", "-c", "..."]' }).min(1, { error: 'a list with at least the program' }).optional(),
  timeout: duration().optional(),
  signal: signal.optional(),
  pid_file: text('a file holding the pid to signal').optional(),
  touch: text('a file whose mtime moves on every change').optional(),
}).superRefine((o, ctx) => {
  if ((o.signal === undefined) !== (o.pid_file === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'both `signal` and `pid_file`, or neither', input: o, path: [] });
  }
});

const exec = z.strictObject({
  reload_signal: signal.optional(),
  on_change: z.enum(['signal', 'restart', 'none'], { error: 'one of signal, restart, none' }).optional(),
  kill_timeout: duration().optional(),
});

type NestedValues = { [key: string]: string | number | boolean | NestedValues };
const nestedValues: z.ZodType<NestedValues> = z.lazy(() =>
  z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), nestedValues]), {
    error: 'a mapping of keys to text values (nested mappings allowed)',
  }),
);

export const configFileSchema = z.strictObject({
  prefix: z.string({ error: 'a path prefix such as `/ELASMETRICS`' }).optional(),
  env: text('an environment name such as `STAGING`').optional(),
  region: text('an AWS region such as `eu-west-1`').optional(),
  endpoint: z.url({ error: 'a URL such as `http://localhost:4566`' }).optional(),
  request_timeout: duration().optional(),
  parameters: z.record(relativeKey, text('a parameter name such as `/aws/reference/secretsmanager/prod/db` (`:3` or `:label` selectors allowed)'), {
    error: 'a mapping of keys to parameter names',
  }).optional(),
  required: z.array(relativeKey, { error: 'a list of relative keys such as `MYSQL/PASSWORD`' }).optional(),
  aliases: z.record(relativeKey, z.union([text('an environment variable name'), z.array(text('an environment variable name'))]), {
    error: 'a mapping of relative keys to environment variable names',
  }).optional(),
  allow_empty: z.boolean({ error: '`true` or `false`' }).optional(),
  defaults: z
    .strictObject({
      files: z.array(text('a YAML or JSON file path'), { error: 'a list of YAML or JSON file paths' }).optional(),
      values: nestedValues.optional(),
    })
    .optional(),
  templates: z.array(template, { error: 'a list of templates' }).optional(),
  watch: watch.optional(),
  on_change: onChange.optional(),
  exec: exec.optional(),
});

export type SignalName = (typeof SIGNALS)[number];

export type ConfigFile = z.infer<typeof configFileSchema>;
export type TemplateEntry = z.infer<typeof template>;
