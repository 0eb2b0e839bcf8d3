import type {} from 'handlebars';
import { LINE, SOURCE, TemplateProblem } from './problem';

type Expression = hbs.AST.Expression;
type Mustache = hbs.AST.MustacheStatement;
type SubExpression = hbs.AST.SubExpression;
type Path = hbs.AST.PathExpression;

/** The helper every `{{x}}` is routed through: it fails on a missing key and escapes for the language. */
export const AUTO = '__auto';
/** The helper every `{{{x}}}` is routed through: it fails on a missing key and writes the value as is. */
export const VERBATIM = '__verbatim';

const path = (name: string, loc: hbs.AST.SourceLocation): Path =>
  ({ type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc }) as Path;

const sourcePair = (text: string, loc: hbs.AST.SourceLocation): hbs.AST.HashPair => ({
  type: 'HashPair',
  key: SOURCE,
  value: { type: 'StringLiteral', value: text, original: text, loc } as hbs.AST.StringLiteral,
  loc,
});

function describe(expr: Expression): string {
  if (expr.type === 'PathExpression') return (expr as Path).original;
  if (expr.type === 'SubExpression') {
    const sub = expr as SubExpression;
    return `(${[sub.path.original, ...sub.params.map(describe)].join(' ')})`;
  }
  if (expr.type === 'StringLiteral') return JSON.stringify((expr as hbs.AST.StringLiteral).value);
  return String((expr as hbs.AST.StringLiteral).original ?? expr.type);
}

const linePair = (loc: hbs.AST.SourceLocation): hbs.AST.HashPair => ({
  type: 'HashPair',
  key: LINE,
  value: { type: 'NumberLiteral', value: loc.start.line, original: loc.start.line, loc } as hbs.AST.NumberLiteral,
  loc,
});

type Call = { path: Path | hbs.AST.Literal; params: Expression[]; hash: hbs.AST.Hash; loc: hbs.AST.SourceLocation };

/**
 * Give our helpers their line and the text of what they were called on, so that their errors can
 * name both, through the hash: Handlebars' own `options.loc` is not part of its typed API.
 */
function tagSources(node: Call, ours: ReadonlySet<string>): void {
  for (const p of node.params) visitExpression(p, ours);
  for (const p of node.hash?.pairs ?? []) visitExpression(p.value, ours);
  if (node.path.type === 'PathExpression' && ours.has((node.path as Path).original)) {
    node.hash = node.hash ?? { type: 'Hash', pairs: [], loc: node.loc };
    node.hash.pairs.push(linePair(node.loc));
    if (node.params.length > 0) node.hash.pairs.push(sourcePair(describe(node.params[0] as Expression), node.loc));
  }
}

function visitExpression(expr: Expression, ours: ReadonlySet<string>): void {
  if (expr.type === 'SubExpression') tagSources(expr as SubExpression, ours);
}

function wrap(m: Mustache, { helpers, ours, finished }: Helpers): void {
  const loc = m.loc;
  tagSources(m, ours);
  // `{{raw X}}`, `{{json X}}`...: the helper's text is final (a SafeString); wrapping it would only
  // add a helper call to every use.
  if (m.path.type === 'PathExpression' && finished.has((m.path as Path).original)) return;
  const callsHelper = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0 || (m.path.type === 'PathExpression' && helpers.has((m.path as Path).original));
  const inner: Expression = callsHelper ? ({ type: 'SubExpression', path: m.path as Path, params: m.params, hash: m.hash, loc } as SubExpression) : m.path;
  const label = callsHelper ? describe(inner) : describe(m.path);
  m.path = path(m.escaped ? AUTO : VERBATIM, loc);
  m.params = [inner];
  m.hash = { type: 'Hash', pairs: [linePair(loc), sourcePair(label, loc)], loc };
}

const QUOTES = ['"', "'"];

function checkNotQuoted(body: hbs.AST.Statement[], i: number): void {
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

export interface Helpers {
  /** Every helper the environment has. */
  readonly helpers: ReadonlySet<string>;
  /** Ours: their errors name what they were called on. */
  readonly ours: ReadonlySet<string>;
  /** Ours that return finished text, written as is. */
  readonly finished: ReadonlySet<string>;
}

/**
 * Rewrite a parsed template so that every `{{x}}` becomes `{{__auto x}}` (escaped for the
 * destination, error when missing) and every `{{{x}}}` becomes `{{__verbatim x}}`. A helper that
 * returns finished text (`{{raw x}}`, `{{json x}}`) is left as it is.
 */
export function rewriteTemplate(program: hbs.AST.Program, helpers: Helpers, checkQuotes: boolean): void {
  const visit = (body: hbs.AST.Statement[]): void => {
    for (const [i, statement] of body.entries()) {
      if (statement.type === 'MustacheStatement') {
        const m = statement as Mustache;
        if (m.escaped && checkQuotes) checkNotQuoted(body, i);
        wrap(m, helpers);
      } else if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement;
        tagSources(block, helpers.ours);
        if (block.program) visit(block.program.body);
        if (block.inverse) visit(block.inverse.body);
      }
    }
  };
  visit(program.body);
}
