import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/config';
import { ConfigError, ParameterNotFoundError } from '../../../src/errors';
import { localAdmin, localSource, type TemplateReferences } from '../../../src/source/local';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});

function setup(yaml: string, env: Record<string, string>, templates?: () => TemplateReferences) {
  s.write('ssm-render.yaml', `prefix: /P\nenv: E\n${yaml}`);
  const config = resolveConfig({ flags: { local: true }, env, cwd: s.dir });
  return localSource(config, { templates });
}

const refs =
  (keys: string[], envNames: string[] = []) =>
  () => ({ keys, envNames });

describe('localSource', () => {
  it('answers the known keys under the path: environment > YAML > JSON > defaults.values, each with its layer and origin', async () => {
    s.write('d.yaml', 'A: yaml\nB: yaml\n');
    s.write('d.json', '{"A": "json", "B": "json", "C": "json"}');
    const source = setup('required: [R]\ndefaults:\n  files: [d.yaml, d.json]\n  values: { A: v, B: v, C: v, D: v }\n', { A: 'env', R: 'r' });
    const found = await source.byPath('/P/E/');
    expect(found.map((p) => [p.name, p.value, p.layer, p.origin])).toEqual([
      ['/P/E/A', 'env', 'environment', 'A'],
      ['/P/E/B', 'yaml', 'yaml', s.path('d.yaml')],
      ['/P/E/C', 'json', 'json', s.path('d.json')],
      ['/P/E/D', 'v', 'defaults', '`defaults.values`'],
      ['/P/E/R', 'r', 'environment', 'R'],
    ]);
    expect((await source.byPath('/P/E/', { recursive: false })).length).toBe(5);
    expect(await source.byPath('/OTHER/')).toEqual([]);
  });

  it('adds the keys templates reference, asked again at every fetch; a group or an env name another key has is not a key', async () => {
    let references = refs(['MYSQL/HOST'])();
    const source = setup(
      'defaults:\n  values: { ES: { USER: elastic } }\n',
      { MYSQL_HOST: 'h', MYSQL_PORT: '1', MYSQL: 'x', ES: 'y', DB_URL: 'u', ES_USER: 'e' },
      () => references,
    );
    expect((await source.byPath('/P/E/')).map((p) => [p.name, p.value])).toEqual([
      ['/P/E/ES/USER', 'e'],
      ['/P/E/MYSQL/HOST', 'h'],
    ]);
    references = refs(['MYSQL/HOST', 'MYSQL/PORT', 'MYSQL', 'ES'], ['DB_URL', 'ES_USER'])();
    expect((await source.byPath('/P/E/')).map((p) => [p.name, p.value])).toEqual([
      ['/P/E/DB_URL', 'u'],
      ['/P/E/ES/USER', 'e'],
      ['/P/E/MYSQL/HOST', 'h'],
      ['/P/E/MYSQL/PORT', '1'],
    ]);
  });

  it('answers named parameters by name (and leaves their keys out of the path), through aliases too', async () => {
    const source = setup('parameters: { DB: /aws/reference/secretsmanager/prod/db }\naliases: { DB: DATABASE }\n', { DATABASE: 'creds', OTHER: 'o' });
    expect(await source.byPath('/P/E/')).toEqual([]);
    const named = await source.byNames(['/aws/reference/secretsmanager/prod/db', '/P/E/DB']);
    expect([...named].map(([n, p]) => [n, p.value, p.origin])).toEqual([
      ['/aws/reference/secretsmanager/prod/db', 'creds', 'DATABASE'],
      ['/P/E/DB', 'creds', 'DATABASE'],
    ]);
  });

  it('a key with no value (or an empty one) is "not found in local dev mode", naming the variables; a name outside the path is a usage error', async () => {
    const source = setup('aliases: { MYSQL/PASSWORD: DB_PASS }\n', { EMPTY: '' });
    const missing = await source.byNames(['/P/E/MYSQL/PASSWORD', '/P/E/EMPTY']).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ParameterNotFoundError);
    expect((missing as Error).message).toBe('Parameter not found in local dev mode: MYSQL/PASSWORD (set MYSQL_PASSWORD or DB_PASS), EMPTY (set EMPTY)');
    expect(await source.byNames(['/Q/E/X']).catch((e: unknown) => e)).toBeInstanceOf(ConfigError);
    expect(source.notFound({ path: '/P/E/', where: '/P/E/', keys: [] })).toBeUndefined();
    expect(source.notFound({ path: '/P/E/', where: '/P/E/', keys: ['K'] })?.message).toBe('Parameter not found in local dev mode: K (set K)');
  });

  it('its admin reads like get and refuses writes', async () => {
    const admin = localAdmin(setup('', { K: 'v' }));
    expect((await admin.get('/P/E/K')).value).toBe('v');
    await expect(admin.put({ name: '/P/E/K', value: 'x' })).rejects.toBeInstanceOf(ConfigError);
    await expect(admin.delete('/P/E/K')).rejects.toBeInstanceOf(ConfigError);
    expect(await admin.describe([])).toEqual([]);
  });
});
