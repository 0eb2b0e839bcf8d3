import type { EscapeName } from '../config/language';
import { RenderError } from '../errors';
import type { Escaper } from './escape';
import { createHandlebars, FINISHED_HELPERS, OUR_HELPERS } from './helpers';
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

let handlebars: ReturnType<typeof createHandlebars> | undefined;

/**
 * The last compile of each template file, reused while its text is the same: `watch` renders the
 * same templates again and again, and compiled code that is kept stays optimised by V8.
 */
const compiled = new Map<string, { source: string; checkQuotes: boolean; run: HandlebarsTemplateDelegate }>();

// Helpers the compiler may call directly instead of looking each one up at every use (`log` is
// one of Handlebars' defaults, but we removed it).
const KNOWN_HELPERS = { ...Object.fromEntries([...OUR_HELPERS].map((name) => [name, true])), log: false };
const COMPILE_OPTIONS = { noEscape: true, strict: false, knownHelpersOnly: false, knownHelpers: KNOWN_HELPERS, data: true };

/** The compilers behind `Handlebars.compile`, which the package exports untyped. */
interface Compilers {
  Compiler: new () => { compile(program: hbs.AST.Program, options: CompileOptions): unknown };
  JavaScriptCompiler: new () => { compile(environment: unknown, options: CompileOptions, context: undefined, asObject: true): TemplateSpecification };
}

/**
 * Compile now, step for step as `Handlebars.compile` does on the template's first use (whitespace
 * control is applied to the AST again there too): its errors belong to the compile, and its work is
 * done before the fetch rather than after it.
 */
function compileNow(hb: ReturnType<typeof createHandlebars>, program: hbs.AST.Program): HandlebarsTemplateDelegate {
  const { Compiler, JavaScriptCompiler } = hb as unknown as Compilers;
  const ast = hb.parse(program as unknown as string);
  const environment = new Compiler().compile(ast, COMPILE_OPTIONS);
  return hb.template(new JavaScriptCompiler().compile(environment, COMPILE_OPTIONS, undefined, true));
}

function where(file: string, line: number | undefined): string {
  return line === undefined ? file : `${file} line ${line}`;
}

function toRenderError(error: unknown, file: string): RenderError {
  if (error instanceof TemplateProblem) {
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
  // Handlebars' messages quote the template (never a value): keep the first and the last line.
  const lines = error instanceof Error ? error.message.split('\n') : ['unknown error'];
  const text = lines.length > 1 ? `${lines[0]} ${lines[lines.length - 1]}` : lines[0];
  const hint = /CLOSE_UNESCAPED|CLOSE_RAW/.test(text ?? '')
    ? 'a value right before a closing brace reads as }}}: write `{{X}} }` with a space'
    : 'check the {{...}} syntax near that line';
  return new TemplateSyntaxError(`Template ${file} cannot be compiled: ${text}`, { hint });
}

/**
 * Compile a template whose `{{x}}` values are escaped for `language` and whose missing keys are
 * errors naming the key, the file and the line. Handlebars' HTML escaping is off.
 */
export function compileTemplate(source: string, file: string, language: EscapeName, escape: Escaper): CompiledTemplate {
  const checkQuotes = language !== 'none';
  const cached = compiled.get(file);
  let run: HandlebarsTemplateDelegate;
  if (cached?.source === source && cached.checkQuotes === checkQuotes) {
    run = cached.run;
  } else {
    handlebars ??= createHandlebars();
    const hb = handlebars;
    try {
      const program = hb.parse(source);
      rewriteTemplate(program, { helpers: new Set(Object.keys(hb.helpers)), ours: OUR_HELPERS, finished: FINISHED_HELPERS }, checkQuotes);
      run = compileNow(hb, program);
    } catch (error) {
      throw toRenderError(error, file);
    }
    compiled.set(file, { source, checkQuotes, run });
  }
  return (context) => {
    try {
      return run(context, { data: { escaper: { escape, language } } });
    } catch (error) {
      throw toRenderError(error, file);
    }
  };
}
