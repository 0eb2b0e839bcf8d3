import { describe, expect, it } from 'vitest';
import { templateContext, type Meta } from '../../../src/render/template-context';
import { buildDataSet } from '../../../src/data/dataset';
import type { DataEntry } from '../../../src/data/entry';
import { RenderError } from '../../../src/errors';

const META: Meta = { env: 'STAGING', prefix: '/ELASMETRICS', path: '/ELASMETRICS/STAGING/', region: 'eu-west-1', local: false };

const entry = (key: string, value: string, type: DataEntry['type'] = 'String'): DataEntry => ({ key, value, type, layer: 'parameter-store', origin: key });
const contextOf = (...entries: DataEntry[]) => templateContext(buildDataSet([entries]), META);

describe('templateContext', () => {
  it('offers each value by tree, by relative key (params) and by environment name (env), with meta as given', () => {
    const context = contextOf(entry('MYSQL/HOST', 'db'), entry('MYSQL/PORT', '3306'), entry('TOP', 't'), entry('db-host.v2', 'h'));
    expect(Object.keys(context).sort()).toEqual(['MYSQL', 'TOP', 'db-host.v2', 'env', 'lists', 'meta', 'params'].sort());
    expect(context['TOP']).toBe('t');
    expect({ ...(context['MYSQL'] as object) }).toEqual({ HOST: 'db', PORT: '3306' });
    expect({ ...(context['params'] as object) }).toEqual({ 'MYSQL/HOST': 'db', 'MYSQL/PORT': '3306', TOP: 't', 'db-host.v2': 'h' });
    expect({ ...(context['env'] as object) }).toEqual({ MYSQL_HOST: 'db', MYSQL_PORT: '3306', TOP: 't', DB_HOST_V2: 'h' });
    expect(context['meta']).toEqual(META);
  });

  it('lists only StringLists, split at each comma; a String holding a comma stays one value', () => {
    const context = contextOf(entry('HOSTS', 'a,b,,c', 'StringList'), entry('CSV', 'x,y'), entry('ONE', 'solo', 'StringList'));
    expect({ ...(context['lists'] as object) }).toEqual({ HOSTS: ['a', 'b', '', 'c'], ONE: ['solo'] });
  });

  it('builds each part once: reading it twice gives the same object', () => {
    const context = contextOf(entry('A/B', 'x'));
    for (const name of ['A', 'params', 'env', 'lists']) expect(context[name]).toBe(context[name]);
  });

  it('has no inherited names: a key or lookup named like an Object method finds nothing', () => {
    const context = contextOf(entry('A/B', 'x'));
    expect(Object.getPrototypeOf(context)).toBeNull();
    for (const name of ['A', 'params', 'env', 'lists']) {
      const part = context[name] as Record<string, unknown>;
      expect(part['constructor']).toBeUndefined();
      expect(part['toString']).toBeUndefined();
    }
  });

  it.each([
    ['params', [entry('params', 'x')], 'params'],
    ['env', [entry('env-a', 'x'), entry('env/X', 'y')], 'env/X'],
    ['lists', [entry('lists/A/B', 'x')], 'lists/A/B'],
    ['meta', [entry('meta', 'x'), entry('meta-b', 'y')], 'meta'],
  ])('refuses a key under the reserved name %s, naming that key (not a neighbour that only shares its letters)', (name, entries, key) => {
    let error: unknown;
    try {
      contextOf(...entries);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).message).toBe(`Key \`${key}\` starts with \`${name}\`, a name templates use for something else`);
    expect((error as RenderError).hint).toMatch(/params, env, lists and meta are reserved/);
  });

  it('allows names that only begin like a reserved one', () => {
    const context = contextOf(entry('parameters', 'p'), entry('environment/X', 'e'), entry('metal', 'm'));
    expect(context['parameters']).toBe('p');
    expect(context['metal']).toBe('m');
  });
});
