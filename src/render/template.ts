import Handlebars from 'handlebars';
import type { EscapeName } from '../config/language';
import { RenderError } from '../errors';
import type { Escaper } from './escape';
import { createHandlebars, FINISHED_HELPERS, MISSING_KEYS, OUR_HELPERS } from './helpers';
import { TemplateProblem } from './problem';
import { rewriteTemplate } from './transform';

export class MissingKeyError extends RenderError {
  override readonly code = 'MISSING_KEY';
}
export class UnrepresentableValueError extends RenderError {
  override readonly code = 'VALUE_UNREPRESENTABLE';
}
export class TemplateSyntaxError extends RenderError {
  override readonly code = 'TEMPLATE_INVALID';
}

export type CompiledTemplate = (context: Record<string, unknown>) => string;

// Our helpers are compiled as known, so a call to one does not look for a function in the data
// first (`log` is one of Handlebars' defaults, but we removed it).
const KNOWN_HELPERS = { ...Object.fromEntries([...OUR_HELPERS].map((name) => [name, true])), log: false };
const COMPILE_OPTIONS = { noEscape: true, strict: false, knownHelpersOnly: false, knownHelpers: KNOWN_HELPERS, data: true };
// Prototype access stays denied, as by default, but without Handlebars logging the name of the
// property refused to the console: a name looked up (`{{lookup X Y}}`) can be a value.
const RUN_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false };

/**
 * Compile now, so that the work and its errors come before the fetch: `precompile` gives the
 * template's code as the source of an object, which `template` turns into the template function,
 * as for templates precompiled ahead of time (it is how `Handlebars.compile` builds it too).
 */
function compileNow(hb: ReturnType<typeof createHandlebars>, program: hbs.AST.Program): HandlebarsTemplateDelegate {
  const code = String(hb.precompile(program, COMPILE_OPTIONS));
  return hb.template(new Function(`return ${code};`)() as TemplateSpecification);
}

function where(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file} line ${line}`;
}

function problemError(error: TemplateProblem, file: string): RenderError {
  const message = `${error.message} in ${where(file, error.line)}`;
  if (error.kind === 'missing') {
    return new MissingKeyError(message, {
      hint: 'check the parameter exists under the path (names are case-sensitive); for an optional value use {{default KEY "fallback"}} or {{#if KEY}}',
    });
  }
  if (error.kind === 'value') {
    return new UnrepresentableValueError(message, {
      hint: 'write it with another helper ({{json X}}, {{base64 X}}), pick another `dialect:`, or change the value',
    });
  }
  return new TemplateSyntaxError(message);
}

/** Every key a run found missing, in one error: `Missing key \`A\` in FILE line 2; Missing key \`B\` in FILE line 5`. */
function missingKeysError(problems: readonly TemplateProblem[], file: string): RenderError {
  const first = problemError(problems[0] as TemplateProblem, file);
  // A key missing inside a loop is missing once a pass: name it once a line.
  const each = [...new Set(problems.map((p) => `${p.message} in ${where(file, p.line)}`))];
  if (each.length === 1) return first;
  return new MissingKeyError(`${each.length} keys are missing: ${each.join('; ')}`, { hint: first.hint });
}

function compileError(error: unknown, file: string): RenderError {
  if (error instanceof TemplateProblem) return problemError(error, file);
  // Handlebars' parse and compile messages quote the template (never a value): keep the first and the last line.
  const lines = error instanceof Error ? error.message.split('\n') : ['unknown error'];
  const text = lines.length > 1 ? `${lines[0]} ${lines[lines.length - 1]}` : lines[0];
  const hint = /CLOSE_UNESCAPED|CLOSE_RAW/.test(text ?? '')
    ? 'a value right before a closing brace reads as }}}: write `{{X}} }` with a space'
    : 'check the {{...}} syntax near that line';
  return new TemplateSyntaxError(`Template ${file} cannot be compiled: ${text}`, { hint });
}

/**
 * An error raised while a template runs. Ours name the key and the line; the rewrite leaves
 * Handlebars only messages made of the template's text (a partial is named by the template, a
 * helper called is one we have). Any other error's message may quote a value: only its kind is told.
 */
function runError(error: unknown, file: string): RenderError {
  if (error instanceof TemplateProblem) return problemError(error, file);
  if (error instanceof Handlebars.Exception) return new TemplateSyntaxError(`Template ${file} cannot be rendered: ${error.message.split('\n')[0]}`);
  const kind = error instanceof Error ? error.name : typeof error;
  return new TemplateSyntaxError(`Template ${file} cannot be rendered: it raised a ${kind}, whose message is not shown as it may quote a value`, {
    hint: 'check the {{...}} that treat a value as a group of keys, a list, a helper or a partial name',
  });
}

/**
 * Compile a template whose `{{x}}` values are escaped for `language` and whose missing keys are
 * errors naming the key, the file and the line. Handlebars' HTML escaping is off.
 */
export function compileTemplate(source: string, file: string, language: EscapeName, escape: Escaper): CompiledTemplate {
  const hb = createHandlebars();
  let run: HandlebarsTemplateDelegate;
  try {
    const program = hb.parse(source);
    rewriteTemplate(program, { helpers: new Set(Object.keys(hb.helpers)), ours: OUR_HELPERS, finished: FINISHED_HELPERS }, language !== 'none');
    run = compileNow(hb, program);
  } catch (error) {
    throw compileError(error, file);
  }
  return (context) => {
    const missing: TemplateProblem[] = [];
    let text: string;
    try {
      text = run(context, { ...RUN_OPTIONS, data: { escaper: { escape, language }, [MISSING_KEYS]: missing } });
    } catch (error) {
      // A key missing before the failure is the likelier cause: say that first.
      throw missing.length > 0 ? missingKeysError(missing, file) : runError(error, file);
    }
    if (missing.length > 0) throw missingKeysError(missing, file);
    return text;
  };
}
