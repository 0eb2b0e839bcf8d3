import Handlebars from 'handlebars';
import { escaperFor, type Escaper } from './escape';
import { DIALECTS, FORMAT_NAMES, Unrepresentable, type DialectName, type FormatName } from './formats';
import { lineOf, sourceOf, TemplateProblem, type HelperOptions } from './problem';
import { AUTO, PARTIAL, VERBATIM } from './transform';

const { SafeString } = Handlebars;
type Safe = InstanceType<typeof SafeString>;

/**
 * A missing key is noted and the template runs on (the key writes nothing), so that one error can
 * name every missing key of the template; nothing rendered is kept once one is missing.
 */
function noteMissing(problem: TemplateProblem, options: HelperOptions): void {
  const seen = options.data?.[MISSING_KEYS] as TemplateProblem[] | undefined;
  if (seen === undefined) throw problem;
  seen.push(problem);
}
/** Where a run's missing keys are gathered, in the template's `@data`. */
export const MISSING_KEYS = 'missingKeys';
const missing = (options: HelperOptions) => new TemplateProblem(`Missing key \`${sourceOf(options)}\``, lineOf(options), 'missing');

/**
 * A helper called with too few arguments: Handlebars passes its options in the place of the first
 * one missing (`given`), which still says where the call is.
 */
function tooFewArguments(message: string, given: unknown): never {
  throw new TemplateProblem(message, lineOf(given as HelperOptions), 'usage');
}

/**
 * `{{raw}}` with no key. Without this check the helper would fail on `options.hash` with a
 * TypeError that says nothing useful.
 */
function requireValue(value: unknown, options: HelperOptions | undefined): asserts options is HelperOptions {
  if (options !== undefined) return;
  const { name } = value as HelperOptions;
  tooFewArguments(`\`${name}\` needs a key: {{${name} KEY}} (a key named ${name} is {{this.${name}}})`, value);
}

/** A single value, or an error naming what the template asked for. */
function single(value: unknown, options: HelperOptions): string {
  requireValue(value, options);
  if (value === undefined || value === null) {
    noteMissing(missing(options), options);
    return '';
  }
  if (value instanceof SafeString) return value.toString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateProblem(`\`${sourceOf(options)}\` is a group of keys, not a single value`, lineOf(options), 'usage');
}

function escapeWith(escape: (value: string) => string, value: string, what: string, options: HelperOptions): string {
  try {
    return escape(value);
  } catch (error) {
    if (!(error instanceof Unrepresentable)) throw error;
    throw new TemplateProblem(`The value of \`${sourceOf(options)}\` cannot be written as ${what}: ${error.reason}`, lineOf(options), 'value');
  }
}

const escaperOf = (options: HelperOptions) => options.data?.['escaper'] as { escape: Escaper; language: string };

/** `dialect="..."` on a format helper; the message does not quote it, as it may come from a value. */
function dialectOf(options: HelperOptions): DialectName | undefined {
  const dialect = options.hash['dialect'];
  if (dialect === undefined || DIALECTS.includes(dialect as DialectName)) return dialect as DialectName | undefined;
  throw new TemplateProblem(`\`dialect\` of \`{{${options.name} ...}}\` must be one of ${DIALECTS.join(', ')}`, lineOf(options), 'usage');
}

/** `{{yaml X}}`: X as a complete scalar of that format, whatever the destination's language. */
function formatHelper(name: FormatName) {
  return (value: unknown, options: HelperOptions): Safe => {
    requireValue(value, options);
    return new SafeString(escapeWith(escaperFor(name, dialectOf(options)), single(value, options), name, options));
  };
}

/** One helper per built-in format, named after it. */
const FORMAT_HELPERS = Object.fromEntries(FORMAT_NAMES.map((name) => [name, formatHelper(name)]));

/** Our helpers; Handlebars' own `if`, `unless`, `each`, `with` and `lookup` stay, `log` goes (it prints values). */
export const HELPERS = {
  [AUTO](value: unknown, options: HelperOptions): string {
    if (value instanceof SafeString) return value.toString();
    const { escape, language } = escaperOf(options);
    return escapeWith(escape, single(value, options), language, options);
  },
  [VERBATIM]: (value: unknown, options: HelperOptions): string => single(value, options),
  /** `{{> (expr)}}`: the name expr gives, if the template defines a partial of that name (the rest of the arguments). */
  [PARTIAL](value: unknown, ...rest: unknown[]): string {
    const options = rest.pop() as HelperOptions;
    const name = single(value, options);
    if (rest.includes(name)) return name;
    throw new TemplateProblem(
      `\`${sourceOf(options)}\` names no partial this template defines (${rest.length === 0 ? 'it defines none' : `it defines ${rest.map((n) => JSON.stringify(n)).join(', ')}`}; {{#*inline "name"}}...{{/inline}} defines one)`,
      lineOf(options),
      'usage',
    );
  },
  raw: (value: unknown, options: HelperOptions): Safe => new SafeString(single(value, options)),
  ...FORMAT_HELPERS,
  base64: (value: unknown, options: HelperOptions): string => Buffer.from(single(value, options), 'utf8').toString('base64'),
  default(value: unknown, fallback: unknown, options: HelperOptions): unknown {
    if (options === undefined) tooFewArguments('`default` needs a value and a fallback: {{default KEY "fallback"}}', fallback ?? value);
    return value === undefined || value === null || value === '' ? fallback : value;
  },
  required(value: unknown, options: HelperOptions): unknown {
    requireValue(value, options);
    if (value === undefined || value === null || value === '') {
      noteMissing(new TemplateProblem(`Required key \`${sourceOf(options)}\` is missing or empty`, lineOf(options), 'missing'), options);
      return '';
    }
    return value;
  },
  list: (value: unknown, options: HelperOptions): string[] => single(value, options).split(','),
  fromJson(value: unknown, options: HelperOptions): unknown {
    try {
      return JSON.parse(single(value, options)) as unknown;
    } catch (error) {
      if (error instanceof TemplateProblem) throw error;
      // JSON.parse's message quotes the text; the text is a secret.
      throw new TemplateProblem(`The value of \`${sourceOf(options)}\` is not valid JSON`, lineOf(options), 'value');
    }
  },
};

export const OUR_HELPERS: ReadonlySet<string> = new Set(Object.keys(HELPERS));
/** Ours that return a SafeString: text that is written as it is. */
export const FINISHED_HELPERS: ReadonlySet<string> = new Set(['raw', ...FORMAT_NAMES]);

/** A Handlebars environment with our helpers, and without `log`. */
export function createHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.unregisterHelper('log');
  for (const [name, fn] of Object.entries(HELPERS)) hb.registerHelper(name, fn as Handlebars.HelperDelegate);
  return hb;
}
