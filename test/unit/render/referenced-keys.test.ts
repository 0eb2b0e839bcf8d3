import { describe, expect, it } from 'vitest';
import { referencedKeys } from '../../../src/render/referenced-keys';

const keys = (text: string) => [...referencedKeys(text).keys].sort();
const envNames = (text: string) => [...referencedKeys(text).envNames].sort();

describe('referencedKeys', () => {
  it('reads tree paths as relative keys, however they are written', () => {
    expect(keys('{{MYSQL.HOST}} {{this.MYSQL.PORT}} {{./MYSQL.USER}} {{@root.ES.PASSWORD}} {{{raw MYSQL.PASSWORD}}}')).toEqual([
      'ES/PASSWORD',
      'MYSQL/HOST',
      'MYSQL/PASSWORD',
      'MYSQL/PORT',
      'MYSQL/USER',
    ]);
  });

  it('reads params and lists by relative key, env by environment name', () => {
    const text =
      '{{lookup params "MYSQL/PASSWORD"}} {{params.[ES/USER]}} {{#each (lookup lists "HOSTS")}}{{this}}{{/each}} {{env.MYSQL_HOST}} {{lookup env "DB_URL"}}';
    expect(keys(text)).toEqual(['ES/USER', 'HOSTS', 'MYSQL/PASSWORD']);
    expect(envNames(text)).toEqual(['DB_URL', 'MYSQL_HOST']);
  });

  it('follows helper arguments, sub-expressions, hashes and the blocks that keep the context', () => {
    const text = '{{default A.B "x"}} {{json (fromJson C)}} {{dotenv D dialect="node"}} {{#if E.F}}{{G}}{{else}}{{H}}{{/if}} {{#unless I}}{{J.K}}{{/unless}}';
    expect(keys(text)).toEqual(['A/B', 'C', 'D', 'E/F', 'G', 'H', 'I', 'J/K']);
  });

  it('`with` moves into a group and `../` comes back out; paths inside `each` name items, not keys', () => {
    expect(keys('{{#with MYSQL}}{{HOST}} {{#if PORT}}{{../TOP}}{{/if}}{{/with}}')).toEqual(['MYSQL', 'MYSQL/HOST', 'MYSQL/PORT', 'TOP']);
    expect(keys('{{#each MYSQL}}{{@key}}={{this}} {{HOST}} {{@root.ROOTED}}{{/each}}')).toEqual(['MYSQL', 'ROOTED']);
  });

  it('leaves out meta, data variables and text that does not parse', () => {
    expect(keys('{{meta.env}} {{@index}} {{lookup meta "prefix"}}')).toEqual([]);
    expect(keys('{{#if}}{{/each}}')).toEqual([]);
  });
});
