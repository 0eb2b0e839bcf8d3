import { RenderError } from '../errors';
import type { DataSet } from './dataset';
import { buildTree, toObject } from './tree';

export interface Meta {
  readonly env: string;
  readonly prefix: string;
  readonly path: string;
  readonly region: string | undefined;
  readonly local: boolean;
}

const RESERVED = ['params', 'env', 'lists', 'meta'] as const;

/**
 * What templates see: the tree (`{{MYSQL.PASSWORD}}`), relative keys (`{{lookup params "MYSQL/PASSWORD"}}`),
 * environment names (`{{env.MYSQL_PASSWORD}}`), StringLists as lists (`{{#each (lookup lists "HOSTS")}}`)
 * and `{{meta.env}}`/`{{meta.prefix}}`.
 */
export function templateContext(data: DataSet, meta: Meta): Record<string, unknown> {
  const params: Record<string, string> = Object.create(null) as Record<string, string>;
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  const lists: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  for (const [key, entry] of data.entries) {
    params[key] = entry.value;
    env[data.envNames.get(key) as string] = entry.value;
    if (entry.type === 'StringList') lists[key] = entry.value.split(',');
  }
  const tree = toObject(buildTree(data.entries.values()));
  for (const name of RESERVED) {
    if (name in tree) {
      const key = [...data.entries.keys()].find((k) => k === name || k.startsWith(`${name}/`));
      throw new RenderError(`Key \`${key}\` starts with \`${name}\`, a name templates use for something else`, {
        hint: 'params, env, lists and meta are reserved at the top of the template data; rename the parameter or give it another key with `parameters:`',
      });
    }
  }
  return Object.assign(Object.create(null) as Record<string, unknown>, tree, { params, env, lists, meta });
}
