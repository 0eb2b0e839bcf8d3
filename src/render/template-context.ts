import { RenderError } from '../errors';
import type { DataSet } from '../data/dataset';
import { buildTree, toObject, type Tree } from '../data/tree';

export interface Meta {
  readonly env: string;
  readonly prefix: string;
  readonly path: string;
  readonly region: string | undefined;
  readonly local: boolean;
}

const RESERVED = ['params', 'env', 'lists', 'meta'] as const;

/** `object[name]` is `build()`, computed the first time it is read and kept. */
function lazy(object: Record<string, unknown>, name: string, build: () => unknown): void {
  Object.defineProperty(object, name, {
    enumerable: true,
    configurable: true,
    get() {
      const value = build();
      Object.defineProperty(object, name, { value, enumerable: true, configurable: true, writable: true });
      return value;
    },
  });
}

const record = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

/**
 * What templates see: the tree (`{{MYSQL.PASSWORD}}`), relative keys (`{{lookup params "MYSQL/PASSWORD"}}`),
 * environment names (`{{env.MYSQL_PASSWORD}}`), StringLists as lists (`{{#each (lookup lists "HOSTS")}}`)
 * and `{{meta.env}}`/`{{meta.prefix}}`. Each part is built the first time a template reads it, so a
 * template that reads only `env` does not pay for `params`, `lists` and the tree's objects; the tree
 * itself is built at once, so a key conflict fails every template, whatever it reads. `tree` is
 * `buildTree(data.named)`, when the caller has it to share.
 */
export function templateContext(data: DataSet, meta: Meta, tree: Tree = buildTree(data.named)): Record<string, unknown> {
  for (const name of RESERVED) {
    if (tree.has(name)) {
      const key = [...data.entries.keys()].find((k) => k === name || k.startsWith(`${name}/`));
      throw new RenderError(`Key \`${key}\` starts with \`${name}\`, a name templates use for something else`, {
        hint: 'params, env, lists and meta are reserved at the top of the template data; rename the parameter or give it another key with `parameters:`',
      });
    }
  }
  const context = record<unknown>();
  for (const [segment, node] of tree) {
    if (typeof node === 'string') context[segment] = node;
    else lazy(context, segment, () => toObject(node));
  }
  lazy(context, 'params', () => {
    const params = record<string>();
    for (const { key, value } of data.named) params[key] = value;
    return params;
  });
  lazy(context, 'env', () => {
    const env = record<string>();
    for (const { envName, value } of data.named) env[envName] = value;
    return env;
  });
  lazy(context, 'lists', () => {
    const lists = record<string[]>();
    for (const [key, entry] of data.entries) if (entry.type === 'StringList') lists[key] = entry.value.split(',');
    return lists;
  });
  context['meta'] = meta;
  return context;
}
