import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { fasterEach } from '../../../src/render/each';

const stock = Handlebars.create();
const ours = Handlebars.create();
ours.registerHelper('each', fasterEach(stock.helpers['each'] as Handlebars.HelperDelegate));

/** Every form of `each` a template can write: data variables, block params, else, nesting, parent scopes. */
const TEMPLATES = [
  '{{#each o}}{{@key}}={{this}};{{/each}}',
  '{{#each o}}[{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}]{{/each}}',
  '{{#each o as |value key|}}{{key}}:{{value}},{{/each}}',
  '{{#each o as |value|}}<{{value}}>{{/each}}',
  '{{#each o}}{{@key}}{{else}}empty{{/each}}',
  '{{#each o}}{{#each this}}({{@../key}}.{{@key}}={{this}}){{else}}-{{/each}}{{/each}}',
  '{{#each o as |v k|}}{{#each ../o}}[{{k}}|{{@key}}|{{v}}]{{/each}}{{/each}}',
  '{{#each o as |v k|}}{{#each v as |w j|}}{{k}}/{{j}}={{w}} {{/each}}{{/each}}',
  '{{#each o}}{{../name}}{{@root.name}}{{/each}}',
  '{{#each list}}{{@index}}={{this}}{{#if @last}}!{{/if}} {{/each}}',
  '{{#each o}}{{#each ../list}}{{@../index}}{{@index}} {{/each}}{{/each}}',
  '{{each o}}',
  '{{#each}}x{{/each}}',
];

const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', 'constructor', 'length', '0'));
const leaf = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.constant(null), fc.boolean());
const value = fc.oneof(leaf, fc.array(leaf, { maxLength: 3 }), fc.dictionary(key, leaf, { maxKeys: 3 }));
const contexts = fc.record({
  o: fc.oneof(fc.dictionary(key, value, { maxKeys: 5 }), value),
  list: fc.array(leaf, { maxLength: 4 }),
  name: fc.string({ maxLength: 3 }),
});

function outcome(hb: typeof Handlebars, template: string, context: unknown): string {
  try {
    return `ok ${hb.compile(template)(context)}`;
  } catch (error) {
    return `error ${(error as Error).message}`;
  }
}

describe('fasterEach', () => {
  it("renders exactly what Handlebars' own each renders, for every template and context", () => {
    fc.assert(
      fc.property(fc.constantFrom(...TEMPLATES), contexts, (template, context) => {
        expect(outcome(ours, template, context)).toBe(outcome(stock, template, context));
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes the fast path over objects and hands every other kind of value to the stock helper', () => {
    const calls: unknown[] = [];
    const counting = Handlebars.create();
    counting.registerHelper(
      'each',
      fasterEach(function (this: unknown, context: unknown, options: Handlebars.HelperOptions) {
        calls.push(context);
        return (stock.helpers['each'] as Handlebars.HelperDelegate).call(this, context, options) as string;
      }),
    );
    const render = (context: unknown) => counting.compile('{{#each o}}{{@key}}{{this}}{{/each}}')({ o: context });
    expect(render({ a: '1', b: '2' })).toBe('a1b2');
    expect(render({})).toBe('');
    expect(calls).toEqual([]);
    const others = [['x', 'y'], new Map([['k', 'v']]), 'text', undefined];
    expect(others.map(render)).toEqual(['0x1y', '0k,v', '', '']);
    expect(calls).toEqual(others);
  });
});
