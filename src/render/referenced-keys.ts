import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { TemplateConfig } from '../config/config';

type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;
type Path = hbs.AST.PathExpression;
type Call = { path: Expression; params: Expression[]; hash?: hbs.AST.Hash | undefined };

/** What a template asks of the data: relative keys (`MYSQL/HOST`) and environment names (`MYSQL_HOST`). */
export interface ReferencedKeys {
  readonly keys: Set<string>;
  readonly envNames: Set<string>;
}

/**
 * Where a path without `@root` starts: the data's root (`[]`), a group below it (inside
 * `{{#with MYSQL}}`), or somewhere no key names (inside `{{#each}}` or another block helper).
 */
type Scope = readonly string[] | undefined;

const CONTEXT_KEEPING = new Set(['if', 'unless']);

/** `{{lookup params "MYSQL/PASSWORD"}}`, `{{lookup env "MYSQL_HOST"}}`, `{{lookup lists "HOSTS"}}`. */
function lookupTarget(call: Call): { root: string; name: string } | undefined {
  const [object, name] = call.params;
  if (call.path.type !== 'PathExpression' || (call.path as Path).original !== 'lookup') return undefined;
  if (object?.type !== 'PathExpression' || name?.type !== 'StringLiteral') return undefined;
  const target = object as Path;
  if (target.data || target.depth > 0 || target.parts.length !== 1) return undefined;
  return { root: target.parts[0] as string, name: (name as hbs.AST.StringLiteral).value };
}

/**
 * The keys and environment names a template refers to, read from its parsed text (Handlebars' public
 * `parse`): `{{MYSQL.HOST}}`, `{{this.MYSQL.HOST}}` and `{{@root.MYSQL.HOST}}` -> `MYSQL/HOST`;
 * `{{lookup params "MYSQL/PASSWORD"}}` and `{{params.[MYSQL/PASSWORD]}}` -> `MYSQL/PASSWORD`;
 * `{{env.MYSQL_HOST}}` -> the name `MYSQL_HOST`; inside `{{#with MYSQL}}`, `{{HOST}}` -> `MYSQL/HOST`.
 * Paths inside `{{#each}}` name items, not keys, and are left out. Text that does not parse gives
 * nothing: compiling the template reports it.
 */
export function referencedKeys(text: string): ReferencedKeys {
  const found: ReferencedKeys = { keys: new Set(), envNames: new Set() };
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(text);
  } catch {
    return found;
  }

  const addRooted = (parts: readonly string[]) => {
    const [root, name] = parts;
    if (root === 'meta' || root === undefined) return;
    if (root === 'env') {
      if (name !== undefined) found.envNames.add(name);
    } else if (root === 'params' || root === 'lists') {
      if (name !== undefined) found.keys.add(name);
    } else {
      found.keys.add(parts.join('/'));
    }
  };

  /** A value used as data: a path resolved against the scopes it sits in (innermost last). */
  const visitValue = (expr: Expression, scopes: readonly Scope[]) => {
    if (expr.type === 'SubExpression') return visitCall(expr as unknown as Call, scopes);
    if (expr.type !== 'PathExpression') return;
    const path = expr as Path;
    if (path.data) {
      if (path.parts[0] === 'root') addRooted(path.parts.slice(1));
      return;
    }
    const scope = scopes[scopes.length - 1 - path.depth];
    if (scope !== undefined) addRooted([...scope, ...path.parts]);
  };

  const visitCall = (call: Call, scopes: readonly Scope[]) => {
    const lookup = lookupTarget(call);
    if (lookup && scopes[scopes.length - 1]?.length === 0) addRooted([lookup.root, lookup.name]);
    const isCall = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0;
    if (!isCall) visitValue(call.path, scopes);
    for (const p of call.params) visitValue(p, scopes);
    for (const pair of call.hash?.pairs ?? []) visitValue(pair.value, scopes);
  };

  /** The scope of a block's body that changes the context: `with` moves into its group, anything else is unknown. */
  const bodyScope = (block: hbs.AST.BlockStatement, scopes: readonly Scope[]): Scope => {
    const name = block.path.type === 'PathExpression' ? (block.path as Path).original : '';
    const current = scopes[scopes.length - 1];
    const [target] = block.params;
    if (name !== 'with' || current === undefined || target?.type !== 'PathExpression') return undefined;
    const path = target as Path;
    return path.data || path.depth > 0 ? undefined : [...current, ...path.parts];
  };

  const visit = (body: readonly hbs.AST.Statement[], scopes: readonly Scope[]) => {
    body.forEach((statement: Node) => {
      if (statement.type === 'MustacheStatement') {
        visitCall(statement as hbs.AST.MustacheStatement as unknown as Call, scopes);
      } else if (statement.type === 'BlockStatement') {
        const block = statement as hbs.AST.BlockStatement;
        for (const p of block.params) visitValue(p, scopes);
        for (const pair of block.hash?.pairs ?? []) visitValue(pair.value, scopes);
        // `if` and `unless` keep the context, and `../` does not count them (Handlebars 4).
        const keeps = block.path.type === 'PathExpression' && CONTEXT_KEEPING.has((block.path as Path).original);
        if (block.program) visit(block.program.body, keeps ? scopes : [...scopes, bodyScope(block, scopes)]);
        if (block.inverse) visit(block.inverse.body, scopes);
      }
    });
  };
  visit(program.body, [[]]);
  return found;
}

/** Every key and environment name the template files refer to; a file that cannot be read adds nothing (rendering reports it). */
export function templateReferences(templates: readonly TemplateConfig[]): ReferencedKeys {
  const all: ReferencedKeys = { keys: new Set(), envNames: new Set() };
  for (const t of templates) {
    if (t.source === undefined) continue;
    let text: string;
    try {
      text = readFileSync(t.source, 'utf8');
    } catch {
      continue;
    }
    const found = referencedKeys(text);
    found.keys.forEach((k) => all.keys.add(k));
    found.envNames.forEach((n) => all.envNames.add(n));
  }
  return all;
}
