import type {} from 'handlebars';
import { LINE, SOURCE, TemplateProblem } from './problem';

type Expression = hbs.AST.Expression;
type Statement = hbs.AST.Statement;
type Mustache = hbs.AST.MustacheStatement;
type Block = hbs.AST.BlockStatement;
type SubExpression = hbs.AST.SubExpression;
type Path = hbs.AST.PathExpression;
type Partial = hbs.AST.PartialStatement;
type PartialBlock = hbs.AST.PartialBlockStatement;
type Location = hbs.AST.SourceLocation;

/** The helper every `{{x}}` is routed through: it fails on a missing key and escapes for the language. */
export const AUTO = '__auto';
/** The helper every `{{{x}}}` is routed through: it fails on a missing key and writes the value as is. */
export const VERBATIM = '__verbatim';
/**
 * The helper a partial named by an expression (`{{> (lookup params "P")}}`) is routed through: it
 * lets through only a name the template itself defines, so that no message of Handlebars' ("The
 * partial ... could not be found") can quote a value.
 */
export const PARTIAL = '__partial';

export interface Helpers {
  /** Every helper the environment has. */
  readonly helpers: ReadonlySet<string>;
  /** Ours: their errors name what they were called on. */
  readonly ours: ReadonlySet<string>;
  /** Ours that return finished text, written as is. */
  readonly finished: ReadonlySet<string>;
}

const path = (name: string, loc: Location): Path => ({ type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc }) as Path;
const string = (text: string, loc: Location): hbs.AST.StringLiteral => ({ type: 'StringLiteral', value: text, original: text, loc });
const pair = (key: string, value: Expression, loc: Location): hbs.AST.HashPair => ({ type: 'HashPair', key, value, loc });
const linePair = (loc: Location) => pair(LINE, { type: 'NumberLiteral', value: loc.start.line, original: loc.start.line, loc } as hbs.AST.NumberLiteral, loc);
const sourcePair = (text: string, loc: Location) => pair(SOURCE, string(text, loc), loc);
const subExpression = (name: string, params: Expression[], pairs: hbs.AST.HashPair[], loc: Location): SubExpression =>
  ({ type: 'SubExpression', path: path(name, loc), params, hash: { type: 'Hash', pairs, loc }, loc }) as SubExpression;

/** An expression as the template wrote it, for messages. */
function describe(expr: Expression): string {
  if (expr.type === 'PathExpression') return (expr as Path).original;
  if (expr.type === 'SubExpression') {
    const sub = expr as SubExpression;
    return `(${[sub.path.original, ...sub.params.map(describe)].join(' ')})`;
  }
  if (expr.type === 'StringLiteral') return JSON.stringify((expr as hbs.AST.StringLiteral).value);
  return String((expr as hbs.AST.StringLiteral).original ?? expr.type);
}

type Call = { path: Path | hbs.AST.Literal; params: Expression[]; hash: hbs.AST.Hash; loc: Location };

const nameOf = (node: Call): string | undefined => (node.path.type === 'PathExpression' ? (node.path as Path).original : undefined);

/**
 * A call with arguments can only be a helper's: template data holds no functions. Refused here
 * rather than when it runs, where Handlebars would report a value that is not a function.
 */
function requireHelper(node: Call, { helpers }: Helpers): void {
  const name = nameOf(node);
  if (name !== undefined && !helpers.has(name)) throw new Error(`Missing helper: "${name}"`);
}

const callsWithArguments = (node: Call): boolean => node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0;

/**
 * Give our helpers their line and the text of what they were called on, so that their errors can
 * name both, through the hash: Handlebars' own `options.loc` is not part of its typed API.
 */
function tagSources(node: Call, helpers: Helpers): void {
  for (const p of node.params) visitExpression(p, helpers);
  for (const p of node.hash?.pairs ?? []) visitExpression(p.value, helpers);
  const name = nameOf(node);
  if (name !== undefined && helpers.ours.has(name)) {
    node.hash = node.hash ?? { type: 'Hash', pairs: [], loc: node.loc };
    node.hash.pairs.push(linePair(node.loc));
    if (node.params.length > 0) node.hash.pairs.push(sourcePair(describe(node.params[0] as Expression), node.loc));
  }
}

function visitExpression(expr: Expression, helpers: Helpers): void {
  if (expr.type !== 'SubExpression') return;
  requireHelper(expr as SubExpression, helpers);
  tagSources(expr as SubExpression, helpers);
}

function wrap(m: Mustache, helpers: Helpers): void {
  const loc = m.loc;
  if (callsWithArguments(m)) requireHelper(m, helpers);
  tagSources(m, helpers);
  // `{{raw X}}`, `{{json X}}`...: the helper's text is final (a SafeString); wrapping it would only
  // add a helper call to every use.
  if (m.path.type === 'PathExpression' && helpers.finished.has((m.path as Path).original)) return;
  const callsHelper = callsWithArguments(m) || (m.path.type === 'PathExpression' && helpers.helpers.has((m.path as Path).original));
  const inner: Expression = callsHelper ? ({ type: 'SubExpression', path: m.path as Path, params: m.params, hash: m.hash, loc } as SubExpression) : m.path;
  const label = callsHelper ? describe(inner) : describe(m.path);
  m.path = path(m.escaped ? AUTO : VERBATIM, loc);
  m.params = [inner];
  m.hash = { type: 'Hash', pairs: [linePair(loc), sourcePair(label, loc)], loc };
}

const QUOTES = ['"', "'"];

function checkNotQuoted(body: Statement[], i: number): void {
  const before = body[i - 1];
  const after = body[i + 1];
  if (before?.type !== 'ContentStatement' || after?.type !== 'ContentStatement') return;
  const q = (before as hbs.AST.ContentStatement).value.slice(-1);
  if (QUOTES.includes(q) && (after as hbs.AST.ContentStatement).value.startsWith(q)) {
    const m = body[i] as Mustache;
    throw new TemplateProblem(
      `\`{{${describe(m.path as Expression)}}}\` sits inside ${q} quotes, but ssm-render writes each value as a complete quoted scalar: remove the quotes around it (or write {{{raw ...}}} to take over quoting)`,
      m.loc.start.line,
      'usage',
    );
  }
}

/** `{{#*inline "name"}}`: the only decorator, and its name must be written in the template. */
function inlineName(block: Block): string {
  const name = block.params[0];
  if (nameOf(block) !== 'inline') {
    throw new TemplateProblem(
      `\`{{#*${describe(block.path)}}}\` is not a decorator ssm-render has: only {{#*inline "name"}} is`,
      block.loc.start.line,
      'usage',
    );
  }
  if (block.params.length !== 1 || name?.type !== 'StringLiteral') {
    throw new TemplateProblem('`{{#*inline}}` takes one name in quotes: {{#*inline "name"}}...{{/inline}}', block.loc.start.line, 'usage');
  }
  return (name as hbs.AST.StringLiteral).value;
}

/** The names of the partials the template defines (`{{#*inline "name"}}`), wherever they are. */
function definedPartials(body: readonly Statement[]): string[] {
  const names: string[] = [];
  for (const statement of body) {
    const block = statement as Block;
    if (statement.type === 'DecoratorBlock') names.push(inlineName(block));
    if (statement.type === 'Decorator') {
      const decorator = statement as hbs.AST.Decorator;
      throw new TemplateProblem(`\`{{*${describe(decorator.path as Path)}}}\` is not a decorator ssm-render has`, decorator.loc.start.line, 'usage');
    }
    if (block.program) names.push(...definedPartials(block.program.body));
    if (block.inverse) names.push(...definedPartials(block.inverse.body));
  }
  return names;
}

/** `{{> (expr)}}` becomes `{{> (__partial (expr) "defined" "names")}}`; a name written in the template stays. */
function guardPartialName(partial: Partial, partials: readonly string[], helpers: Helpers): void {
  if (partial.name.type !== 'SubExpression') return;
  const loc = partial.loc;
  visitExpression(partial.name, helpers);
  const defined = partials.map((name) => string(name, loc));
  partial.name = subExpression(PARTIAL, [partial.name, ...defined], [linePair(loc), sourcePair(describe(partial.name), loc)], loc);
}

/**
 * Rewrite a parsed template so that every `{{x}}` becomes `{{__auto x}}` (escaped for the
 * destination, error when missing) and every `{{{x}}}` becomes `{{__verbatim x}}`, in blocks,
 * inline partials and partial blocks alike. A helper that returns finished text (`{{raw x}}`,
 * `{{json x}}`) is left as it is. Refuses, naming the line, what could only fail once it runs.
 */
export function rewriteTemplate(program: hbs.AST.Program, helpers: Helpers, checkQuotes: boolean): void {
  const partials = definedPartials(program.body);
  const visit = (body: Statement[]): void => {
    for (const [i, statement] of body.entries()) {
      switch (statement.type) {
        case 'MustacheStatement': {
          const m = statement as Mustache;
          if (m.escaped && checkQuotes) checkNotQuoted(body, i);
          wrap(m, helpers);
          break;
        }
        case 'BlockStatement':
        case 'DecoratorBlock': {
          const block = statement as Block;
          if (statement.type === 'BlockStatement') {
            if (callsWithArguments(block)) requireHelper(block, helpers);
            tagSources(block, helpers);
          }
          if (block.program) visit(block.program.body);
          if (block.inverse) visit(block.inverse.body);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement': {
          const partial = statement as Partial | PartialBlock;
          for (const p of partial.params) visitExpression(p, helpers);
          for (const p of partial.hash?.pairs ?? []) visitExpression(p.value, helpers);
          // A partial block by a name no partial has renders its own content: no error to guard.
          if (statement.type === 'PartialStatement') guardPartialName(partial as Partial, partials, helpers);
          else visit((partial as PartialBlock).program.body);
          break;
        }
      }
    }
  };
  visit(program.body);
}
