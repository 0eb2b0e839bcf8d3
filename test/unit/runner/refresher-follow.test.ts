import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/config';
import { ParameterNotFoundError } from '../../../src/errors';
import { createLogger, Redactor } from '../../../src/log';
import { Refresher } from '../../../src/runner/refresher';
import type { FetchOptions, Parameter, ParameterSource } from '../../../src/source/types';
import { scratch } from '../../support/tmp';

// A fleet follower's refresh (Refresher.refreshTo): the unit under test is which calls it makes for
// the versions a leader published, so an in-memory source that records them stands in for SSM.
function memorySource(store: Map<string, Parameter>) {
  const asked: Array<{ op: string; decrypt: boolean; names?: readonly string[] }> = [];
  const source: ParameterSource = {
    async byPath(path: string, { decrypt = true }: FetchOptions = {}) {
      asked.push({ op: 'byPath', decrypt });
      return [...store.values()].filter((p) => p.name.startsWith(path));
    },
    async byNames(names: readonly string[], { decrypt = true }: FetchOptions = {}) {
      asked.push({ op: 'byNames', decrypt, names: [...names].sort() });
      return new Map(names.map((n) => [n, store.get(n) as Parameter]));
    },
    notFound: ({ path, keys }) => new ParameterNotFoundError(`not found under ${path}: ${keys.join(', ')}`, keys),
  };
  return { source, asked };
}

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});

async function setup(store: Map<string, Parameter>, extra = '') {
  s.write('ssm-render.yaml', `prefix: /P\nenv: E\n${extra}templates:\n  - format: dotenv\n    destination: out/app.env\n`);
  const config = resolveConfig({ flags: {}, env: { AWS_REGION: 'eu-west-1' }, cwd: s.dir });
  const log = await createLogger({ level: 'silent', format: 'json', redactor: new Redactor() });
  const mem = memorySource(store);
  return { refresher: new Refresher({ config, source: mem.source, log, redactor: new Redactor() }), ...mem };
}

const put = (store: Map<string, Parameter>, name: string, value: string, type: Parameter['type'] = 'SecureString') =>
  store.set(name, { name, value, type, version: (store.get(name)?.version ?? 0) + 1 });
const versionsOf = (store: Map<string, Parameter>) => new Map([...store.values()].map((p) => [p.name, p.version]));
const env = () => readFileSync(s.path('out/app.env'), 'utf8');

describe('Refresher.versions and refreshTo (fleet)', () => {
  it('versions(): every rendered name with its version, undefined before the first render', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    put(store, '/P/E/B', 'b1', 'String');
    put(store, '/X/NAMED', 'n1');
    const { refresher } = await setup(store, 'parameters:\n  NAMED: /X/NAMED\n');
    expect(refresher.versions()).toBeUndefined();
    await refresher.refresh();
    expect(refresher.versions()).toEqual(
      new Map([
        ['/P/E/A', 1],
        ['/P/E/B', 1],
        ['/X/NAMED', 1],
      ]),
    );
  });

  it('the first refreshTo is a full render; later, the same versions cost no call and write nothing', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    const { refresher, asked } = await setup(store);
    expect((await refresher.refreshTo(versionsOf(store))).kind).toBe('rendered');
    expect(asked).toEqual([{ op: 'byPath', decrypt: true }]);
    asked.length = 0;
    expect((await refresher.refreshTo(versionsOf(store))).kind).toBe('unchanged');
    expect((await refresher.refreshTo(undefined)).kind).toBe('unchanged');
    expect(asked).toEqual([]);
  });

  it('fetches, decrypted, only the names whose version moved and the new ones; never lists the path', async () => {
    const store = new Map<string, Parameter>();
    for (const k of ['A', 'B', 'C', 'D']) put(store, `/P/E/${k}`, `${k}1`);
    const { refresher, asked } = await setup(store);
    await refresher.refresh();
    asked.length = 0;
    put(store, '/P/E/B', 'B2');
    put(store, '/P/E/NEW', 'new1', 'String');
    const result = await refresher.refreshTo(versionsOf(store));
    expect(result.kind).toBe('rendered');
    expect(asked).toEqual([{ op: 'byNames', decrypt: true, names: ['/P/E/B', '/P/E/NEW'] }]);
    expect(env()).toContain("B='B2'");
    expect(env()).toContain("NEW='new1'");
    expect(env()).toContain("A='A1'");
  });

  it('drops a name the leader no longer lists under the path, without any call', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    put(store, '/P/E/GONE', 'g1');
    const { refresher, asked } = await setup(store);
    await refresher.refresh();
    asked.length = 0;
    store.delete('/P/E/GONE');
    expect((await refresher.refreshTo(versionsOf(store))).kind).toBe('rendered');
    expect(asked).toEqual([]);
    expect(env()).not.toContain('GONE');
  });

  it('re-renders from what it holds when a destination was changed on disk, with no call', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    const { refresher, asked } = await setup(store);
    await refresher.refresh();
    asked.length = 0;
    s.write('out/app.env', 'tampered\n');
    expect((await refresher.refreshTo(versionsOf(store))).kind).toBe('rendered');
    expect(asked).toEqual([]);
    expect(env()).toContain("A='a1'");
  });

  it('a named parameter the leader did not publish (another config mid-rollout) is kept as rendered', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    put(store, '/X/NAMED', 'n1');
    const { refresher, asked } = await setup(store, 'parameters:\n  NAMED: /X/NAMED\n');
    await refresher.refresh();
    asked.length = 0;
    put(store, '/X/NAMED', 'n2');
    put(store, '/P/E/A', 'a2');
    await refresher.refreshTo(new Map([['/P/E/A', 2]]));
    expect(asked).toEqual([{ op: 'byNames', decrypt: true, names: ['/P/E/A'] }]);
    asked.length = 0;
    await refresher.refreshTo(
      new Map([
        ['/P/E/A', 2],
        ['/X/NAMED', 2],
      ]),
    );
    expect(asked).toEqual([{ op: 'byNames', decrypt: true, names: ['/X/NAMED'] }]);
    expect(env()).toContain("NAMED='n2'");
  });
});
