import { afterAll, describe, expect, it } from 'vitest';
import { buildDataSet } from '../../../src/data/dataset';
import { environmentLayer, fileLayer, flatten, sourceLayer, valuesLayer } from '../../../src/data/layers';
import { scratch } from '../../support/tmp';

const s = scratch();
afterAll(() => s.cleanup());

describe('layers', () => {
  it('makes keys relative to the path and keeps named parameters under their key', () => {
    const entries = sourceLayer(
      [{ name: '/P/S/MYSQL/PASSWORD', type: 'SecureString', value: 'x', version: 3 }],
      '/P/S/',
      new Map([['DB', { name: '/aws/reference/secretsmanager/db', type: 'SecureString', value: 'y', version: 1 }]]),
    );
    expect(entries.map((e) => [e.key, e.origin, e.version])).toEqual([
      ['MYSQL/PASSWORD', '/P/S/MYSQL/PASSWORD', 3],
      ['DB', '/aws/reference/secretsmanager/db', 1],
    ]);
  });

  it('reads the environment by env name first, then by alias', () => {
    const env = { MYSQL_PASSWORD: 'm', ES_PASSWORD: 'e', ELASTICSEARCH_USERNAME: 'u' };
    const aliases = new Map([
      ['ELASTICSEARCH/PASSWORD', ['ES_PASSWORD']],
      ['ELASTICSEARCH/USERNAME', ['ES_USER']],
    ]);
    const entries = environmentLayer(['MYSQL/PASSWORD', 'MYSQL/HOST'], env, aliases);
    expect(entries.map((e) => [e.key, e.origin])).toEqual([
      ['MYSQL/PASSWORD', 'MYSQL_PASSWORD'],
      ['ELASTICSEARCH/PASSWORD', 'ES_PASSWORD'],
      ['ELASTICSEARCH/USERNAME', 'ELASTICSEARCH_USERNAME'],
    ]);
  });

  it('reads only variables the environment has: an alias named like an Object method finds nothing', () => {
    const aliases = new Map([
      ['A', ['toString']],
      ['B', ['constructor', '__proto__', 'hasOwnProperty']],
    ]);
    const env = process.env as Record<string, string>;
    expect(environmentLayer(['A', 'B'], { ...env }, aliases)).toEqual([]);
    expect(environmentLayer(['A', 'B'], env, aliases)).toEqual([]);
  });

  it('reads YAML defaults as text: 0755, yes and 1e3 stay what they were written as', () => {
    const file = s.write('config.yaml', 'APP:\n  MODE: 0755\n  FLAG: yes\n  N: 1e3\n  HOSTS: [a, b]\n  EMPTY: ~\n');
    const byKey = Object.fromEntries(fileLayer(file, 'yaml').map((e) => [e.key, [e.value, e.type]]));
    expect(byKey).toEqual({
      'APP/MODE': ['0755', 'String'],
      'APP/FLAG': ['yes', 'String'],
      'APP/N': ['1e3', 'String'],
      'APP/HOSTS': ['a,b', 'StringList'],
      'APP/EMPTY': ['~', 'String'],
    });
  });

  it('reads JSON defaults, null meaning absent, and names the file on bad syntax without quoting it', () => {
    const file = s.write('airflow.json', '{"MYSQL": {"PORT": 3306, "TLS": true, "X": null}}');
    expect(fileLayer(file, 'json').map((e) => [e.key, e.value])).toEqual([
      ['MYSQL/PORT', '3306'],
      ['MYSQL/TLS', 'true'],
    ]);
    const bad = s.write('bad.json', '{"PASSWORD": "canary-123",');
    expect(() => fileLayer(bad, 'json')).toThrow(/Defaults file `.*bad\.json` is not valid JSON/);
    try {
      fileLayer(bad, 'json');
    } catch (e) {
      expect((e as Error).message).not.toContain('canary');
    }
  });

  it('refuses keys that cannot be parameter keys', () => {
    expect(() => flatten({ 'my key': 'v' }, 'yaml', 'x.yaml')).toThrow(/`my key` in x\.yaml cannot be a key/);
  });

  it('merges in precedence order and sorts keys', () => {
    const data = buildDataSet([
      sourceLayer([{ name: '/P/S/B', type: 'String', value: 'store', version: 1 }], '/P/S/', new Map()),
      environmentLayer(['B', 'A'], { B: 'env', A: 'env-a' }, new Map()),
      valuesLayer({ A: 'default-a', C: { D: 'default-cd' } }),
    ]);
    expect([...data.entries].map(([k, e]) => [k, e.value, e.layer])).toEqual([
      ['A', 'env-a', 'environment'],
      ['B', 'store', 'parameter-store'],
      ['C/D', 'default-cd', 'defaults'],
    ]);
    expect(data.named.find((e) => e.key === 'C/D')?.envName).toBe('C_D');
  });
});
