import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import type { EscapeName } from '../../../src/config/language';
import { templateContext } from '../../../src/render/template-context';
import { buildDataSet } from '../../../src/data/dataset';
import { valuesLayer } from '../../../src/data/layers';
import type { DataEntry } from '../../../src/data/entry';
import { escaperFor } from '../../../src/render/escape';
import { compileTemplate, MissingKeyError, TemplateSyntaxError, UnrepresentableValueError } from '../../../src/render/template';
import { RenderError } from '../../../src/errors';

const CANARY = 'CANARY-tpl-41b7';

function context(values: Record<string, unknown>, extra: DataEntry[] = []) {
  const data = buildDataSet([extra, valuesLayer(values as never)]);
  return templateContext(data, { env: 'STAGING', prefix: '/ELASMETRICS', path: '/ELASMETRICS/STAGING/', region: 'eu-west-1', local: false });
}

function render(source: string, language: EscapeName, values: Record<string, unknown>, extra: DataEntry[] = []): string {
  return compileTemplate(source, 'app.tpl', language, escaperFor(language))(context(values, extra));
}

function failure(fn: () => unknown): RenderError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(RenderError);
    expect((e as RenderError).exitCode).toBe(4);
    expect((e as Error).message).not.toContain(CANARY);
    return e as RenderError;
  }
  throw new Error('expected a render error');
}

const hostile = `p'a"s$s\`w!o#r\\d\n${CANARY} `;

describe('templates', () => {
  it('writes every value as a complete scalar of the destination language', () => {
    const values = { MYSQL: { PASSWORD: hostile, HOST: 'db' } };
    expect(parseDotenv(render('PW={{MYSQL.PASSWORD}}\nHOST={{MYSQL.HOST}}\n', 'dotenv', { MYSQL: { PASSWORD: "it's", HOST: 'db' } }))).toEqual({
      PW: "it's",
      HOST: 'db',
    });
    expect(parseYaml(render('pw: {{MYSQL.PASSWORD}}\nhost: {{MYSQL.HOST}}\n', 'yaml', values))).toEqual({ pw: hostile, host: 'db' });
    expect(JSON.parse(render('{"pw": {{MYSQL.PASSWORD}} }', 'json', values))).toEqual({ pw: hostile });
    expect(render('{{MYSQL.HOST}}', 'none', values)).toBe('db');
  });

  it('reaches values by tree, relative key, env name and meta', () => {
    const out = render('{{lookup params "MYSQL/HOST"}} {{env.MYSQL_HOST}} {{MYSQL.HOST}} {{meta.env}} {{meta.prefix}}', 'none', { MYSQL: { HOST: 'db' } });
    expect(out).toBe('db db db STAGING /ELASMETRICS');
  });

  it('offers StringLists as lists, and the list helper', () => {
    const list: DataEntry = { key: 'HOSTS', value: 'a,b,c', type: 'StringList', layer: 'parameter-store', origin: '/P/S/HOSTS' };
    expect(render('{{#each (lookup lists "HOSTS")}}[{{this}}]{{/each}} {{#each (list HOSTS)}}<{{this}}>{{/each}} {{HOSTS}}', 'none', {}, [list])).toBe(
      '[a][b][c] <a><b><c> a,b,c',
    );
    expect(parseYaml(render('hosts:\n{{#each (list HOSTS)}}  - {{this}}\n{{/each}}', 'yaml', {}, [list]))).toEqual({ hosts: ['a', 'b', 'c'] });
  });

  it('fails on a missing key, naming the key, the template and the line', () => {
    const e = failure(() => render('A={{MYSQL.HOST}}\nB={{MYSQL.NOPE}}\n', 'dotenv', { MYSQL: { HOST: 'h' } }));
    expect(e).toBeInstanceOf(MissingKeyError);
    expect(e.message).toBe('Missing key `MYSQL.NOPE` in app.tpl line 2');
    expect(failure(() => render('{{{NOPE.deep.er}}}', 'none', {})).message).toBe('Missing key `NOPE.deep.er` in app.tpl line 1');
    expect(failure(() => render('\n\n{{{raw GONE}}}', 'none', {})).message).toBe('Missing key `GONE` in app.tpl line 3');
  });

  it('names every missing key of a template in one error, each once a line, in the order they come', () => {
    const e = failure(() =>
      render('A={{A}}\nB={{B}}\n{{#each (list L)}}{{GONE}}{{/each}}\nC={{required C}}\nD={{raw D}}\n', 'dotenv', { A: 'a' }, [
        { key: 'L', value: 'x,y', type: 'StringList', layer: 'parameter-store', origin: '/P/S/L' },
      ]),
    );
    expect(e).toBeInstanceOf(MissingKeyError);
    expect(e.message).toBe(
      '4 keys are missing: Missing key `B` in app.tpl line 2; Missing key `GONE` in app.tpl line 3; Required key `C` is missing or empty in app.tpl line 4; Missing key `D` in app.tpl line 5',
    );
    expect((e as MissingKeyError).hint).toMatch(/check the parameter exists under the path/);
  });

  it('says a missing key first when the template fails later for another reason', () => {
    expect(failure(() => render('{{NOPE}}\n{{MYSQL}}', 'none', { MYSQL: { HOST: 'h' } })).message).toBe('Missing key `NOPE` in app.tpl line 1');
  });

  it('never puts a value in an error, even when a template digs into a string', () => {
    failure(() => render('{{MYSQL.PASSWORD.length.x}}', 'none', { MYSQL: { PASSWORD: CANARY } }));
    failure(() => render('{{fromJson MYSQL.PASSWORD}}', 'none', { MYSQL: { PASSWORD: `{"a": ${CANARY}` } }));
    failure(() => render('{{required MYSQL.EMPTY}}', 'none', { MYSQL: { PASSWORD: CANARY, EMPTY: '' } }));
    failure(() => render('{{MYSQL}}', 'none', { MYSQL: { PASSWORD: CANARY } }));
  });

  it('refuses a value the language cannot hold, naming the key and the language', () => {
    const e = failure(() => render('PW={{MYSQL.PASSWORD}}\n', 'dotenv', { MYSQL: { PASSWORD: `'" ${CANARY}` } }));
    expect(e).toBeInstanceOf(UnrepresentableValueError);
    expect(e.message).toMatch(/^The value of `MYSQL\.PASSWORD` cannot be written as dotenv: .* in app\.tpl line 1$/);
  });

  it('has helpers: default, required, raw, base64, json, yaml, shell, dotenv, fromJson', () => {
    const values = { A: 'x y', EMPTY: '', J: '{"user":"u","n":2}' };
    expect(render('{{default MISSING "fallback"}} {{default EMPTY "e"}} {{default A "no"}}', 'none', values)).toBe('fallback e x y');
    expect(render('{{{raw A}}}|{{base64 A}}|{{json A}}|{{shell A}}|{{dotenv A}}', 'yaml', values)).toBe(`x y|"eCB5"|"x y"|'x y'|'x y'`);
    expect(render('{{yaml A}}', 'dotenv', values)).toBe('"x y"');
    expect(render('{{#with (fromJson J)}}{{user}}-{{n}}{{/with}}', 'none', values)).toBe('u-2');
    expect(failure(() => render('{{required EMPTY}}', 'none', values)).message).toBe('Required key `EMPTY` is missing or empty in app.tpl line 1');
    expect(render('{{#if MISSING}}yes{{else}}no{{/if}}', 'none', values)).toBe('no');
  });

  it('writes the text of raw and the format helpers once, never escaped again, and names their line', () => {
    const values = { A: `it's "x"`, B: 'b' };
    expect(render('{{raw A}}|{{json A}}|{{shell A}}', 'shell', values)).toBe(`it's "x"|"it's \\"x\\""|'it'\\''s "x"'`);
    expect(render('{{#each params}}{{raw @key}}={{this}};{{/each}}', 'shell', values)).toBe(`A='it'\\''s "x"';B='b';`);
    expect(failure(() => render('a\n{{raw GONE}}', 'shell', values)).message).toBe('Missing key `GONE` in app.tpl line 2');
    expect(failure(() => render('a\n\n{{#each params}}\n{{json (required GONE)}}{{/each}}', 'none', values)).message).toBe(
      'Required key `GONE` is missing or empty in app.tpl line 4',
    );
    expect(failure(() => render('a\n{{default GONE}}', 'none', values)).message).toBe(
      '`default` needs a value and a fallback: {{default KEY "fallback"}} in app.tpl line 2',
    );
    expect(failure(() => render('{{#if B}}\n\n{{A.x}}{{/if}}', 'none', values)).message).toBe('Missing key `A.x` in app.tpl line 3');
  });

  it('compiles a template file again when its text or its language changes', () => {
    expect(render('a={{A}}', 'none', { A: 'x' })).toBe('a=x');
    expect(render('b={{A}}', 'none', { A: 'x' })).toBe('b=x');
    expect(render('a={{A}}', 'none', { A: 'y' })).toBe('a=y');
    expect(render('"{{A}}"', 'none', { A: 'x' })).toBe('"x"');
    expect(failure(() => render('"{{A}}"', 'yaml', { A: 'x' })).message).toMatch(/sits inside " quotes/);
    expect(failure(() => render('{{#if A}}', 'none', {})).message).toMatch(/cannot be compiled/);
    expect(render('a={{A}}', 'none', { A: 'z' })).toBe('a=z');
  });

  it('does not have the log helper (it would print values)', () => {
    expect(failure(() => render('{{log A}}', 'none', { A: CANARY })).message).toBe('Template app.tpl cannot be compiled: Missing helper: "log"');
    expect(failure(() => render('{{raw (log A)}}', 'none', { A: CANARY })).message).toMatch(/Missing helper: "log"/);
  });

  it.each(['raw', 'required', 'base64', 'json', 'yaml', 'shell', 'dotenv', 'properties', 'list', 'fromJson'])(
    'names `%s` called without a key, and the line',
    (helper) => {
      const e = failure(() => render(`x\n{{${helper}}}`, 'none', { A: CANARY }));
      expect(e).toBeInstanceOf(TemplateSyntaxError);
      expect(e.message).toBe(`\`${helper}\` needs a key: {{${helper} KEY}} (a key named ${helper} is {{this.${helper}}}) in app.tpl line 2`);
      expect(render(`{{this.${helper}}}`, 'none', { [helper]: 'v' })).toBe('v');
      expect(failure(() => render(`{{#each (${helper})}}{{/each}}`, 'none', {})).message).toMatch(new RegExp(`^\`${helper}\` needs a key`));
    },
  );

  it('refuses quotes around an auto-escaped value, since the value brings its own', () => {
    const e = failure(() => render('password: "{{A}}"\n', 'yaml', { A: 'x' }));
    expect(e).toBeInstanceOf(TemplateSyntaxError);
    expect(e.message).toMatch(/sits inside " quotes.*line 1/);
    expect(render("x='{{{raw A}}}'", 'shell', { A: 'v' })).toBe("x='v'");
  });

  it('reports syntax errors with the file, and explains }}} after a value', () => {
    expect(failure(() => render('{{#if A}}open', 'none', { A: 'x' })).message).toMatch(/^Template app\.tpl cannot be compiled: Parse error on line 1/);
    expect(failure(() => render('{"a": {{A}}}', 'json', { A: 'x' })).hint).toMatch(/with a space/);
  });

  it('rejects parameters whose first segment is reserved', () => {
    expect(() => context({ meta: { X: 'y' } })).toThrow(/Key `meta\/X` starts with `meta`/);
  });

  it('escapes values and names missing keys inside inline partials and partial blocks too', () => {
    const values = { A: "it's #1" };
    expect(render('{{#*inline "p"}}X={{A}}{{/inline}}{{> p}}', 'dotenv', values)).toBe(render('X={{A}}', 'dotenv', values));
    expect(render('{{#> nope}}X={{A}}{{/nope}}', 'dotenv', values)).toBe(render('X={{A}}', 'dotenv', values));
    expect(failure(() => render('{{#*inline "p"}}\nX={{GONE}}{{/inline}}{{> p}}', 'dotenv', values)).message).toBe('Missing key `GONE` in app.tpl line 2');
  });
});

describe('errors raised while a template runs', () => {
  // Under the log scrubber's 4 characters: only the message itself can keep it out.
  const PIN = 'Q7x';
  const values = { PIN, GROUP: { PIN }, LIST: `${PIN},b`, METHOD: 'padStart' };
  const problem = (source: string) => {
    const e = failure(() => render(source, 'none', values));
    expect(e.message).not.toContain(PIN);
    expect(e.message).not.toContain('padStart');
    return e.message;
  };

  it('names a partial by the expression that named it, with the line', () => {
    expect(problem('x\n{{> (lookup params "PIN")}}')).toBe(
      '`(lookup params "PIN")` names no partial this template defines (it defines none; {{#*inline "name"}}...{{/inline}} defines one) in app.tpl line 2',
    );
    expect(problem('{{#*inline "a"}}{{/inline}}{{> (lookup params "PIN") GROUP}}')).toMatch(
      /^`\(lookup params "PIN"\)` names no partial this template defines \(it defines "a";/,
    );
    expect(problem('{{> (lookup params "NOPE")}}')).toBe('Missing key `(lookup params "NOPE")` in app.tpl line 1');
    expect(problem('{{> (lookup . "GROUP")}}')).toMatch(/^`\(lookup \. "GROUP"\)` is a group of keys/);
    expect(render('{{#*inline "Q7x"}}pin{{/inline}}{{> (lookup params "PIN")}}', 'none', values)).toBe('pin');
    expect(render('{{#*inline "STAGING"}}s{{/inline}}{{#*inline "PRODUCTION"}}p{{/inline}}{{> (lookup meta "env")}}', 'none', values)).toBe('s');
    expect(problem('{{> nope}}')).toBe('Template app.tpl cannot be rendered: The partial nope could not be found');
  });

  it('refuses a call to what is not a helper, and decorators, when it compiles', () => {
    const compile = (source: string) => failure(() => compileTemplate(source, 'app.tpl', 'none', escaperFor('none'))).message;
    expect(compile('{{PIN PIN}}')).toBe('Template app.tpl cannot be compiled: Missing helper: "PIN"');
    expect(compile('{{#GROUP.PIN PIN}}x{{/GROUP.PIN}}')).toBe('Template app.tpl cannot be compiled: Missing helper: "GROUP.PIN"');
    expect(compile('{{raw (PIN)}}')).toBe('Template app.tpl cannot be compiled: Missing helper: "PIN"');
    expect(compile('{{> p (PIN)}}')).toBe('Template app.tpl cannot be compiled: Missing helper: "PIN"');
    expect(compile('x\n{{#*inline PIN}}{{/inline}}')).toBe('`{{#*inline}}` takes one name in quotes: {{#*inline "name"}}...{{/inline}} in app.tpl line 2');
    expect(compile('{{* PIN}}')).toBe('`{{*PIN}}` is not a decorator ssm-render has in app.tpl line 1');
    expect(compile('{{#*PIN}}{{/PIN}}')).toMatch(/^`\{\{#\*PIN\}\}` is not a decorator ssm-render has/);
  });

  it('treats a value as a group, a list or a helper argument without quoting it', () => {
    expect(problem('{{#with PIN}}{{this.x}}{{/with}}')).toBe('Missing key `this.x` in app.tpl line 1');
    expect(render('{{#each PIN}}x{{else}}none{{/each}}|{{#each (list LIST)}}[{{this}}]{{/each}}', 'none', values)).toBe(`none|[${PIN}][b]`);
    expect(problem('{{lookup PIN "x"}}')).toBe('Missing key `(lookup PIN "x")` in app.tpl line 1');
    expect(problem('{{#if PIN PIN}}x{{/if}}')).toBe('Template app.tpl cannot be rendered: #if requires exactly one argument');
    expect(problem('{{dotenv PIN dialect=PIN}}')).toBe('`dialect` of `{{dotenv ...}}` must be one of portable, node, python, literal in app.tpl line 1');
  });

  it('looks up a property named by a value without Handlebars printing the name', () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(problem('{{lookup PIN (lookup params "METHOD")}}')).toBe('Missing key `(lookup PIN (lookup params "METHOD"))` in app.tpl line 1');
      expect(printed).not.toHaveBeenCalled();
    } finally {
      printed.mockRestore();
    }
  });

  it('tells only the kind of any other error, whose message could quote a value', () => {
    expect(problem('{{lookup}}')).toBe('Template app.tpl cannot be rendered: it raised a TypeError, whose message is not shown as it may quote a value');
  });
});
