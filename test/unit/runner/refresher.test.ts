import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolveConfig } from '../../../src/config/config';
import { ParameterNotFoundError } from '../../../src/errors';
import { createLogger, Redactor } from '../../../src/log';
import { templateReferences } from '../../../src/render/referenced-keys';
import { Refresher } from '../../../src/runner/refresher';
import { localSource } from '../../../src/source/local';
import type { FetchOptions, Parameter, ParameterSource } from '../../../src/source/types';
import { scratch } from '../../support/tmp';

// A source over an in-memory store that records what it was asked: the unit under test is the
// refresher's choice of calls, so a stand-in source is enough here (integration tests use the real one).
function memorySource(store: Map<string, Parameter>) {
  const asked: Array<{ op: string; decrypt: boolean; names?: readonly string[] }> = [];
  const shown = (p: Parameter, decrypt: boolean): Parameter => (p.type === 'SecureString' && !decrypt ? { ...p, value: `cipher-v${p.version}` } : p);
  const source: ParameterSource = {
    async byPath(path: string, { decrypt = true }: FetchOptions = {}) {
      asked.push({ op: 'byPath', decrypt });
      return [...store.values()].filter((p) => p.name.startsWith(path)).map((p) => shown(p, decrypt));
    },
    async byNames(names: readonly string[], { decrypt = true }: FetchOptions = {}) {
      asked.push({ op: 'byNames', decrypt, names });
      // As the SSM source does with GetParameters' InvalidParameters.
      const missing = names.filter((n) => !store.has(n));
      if (missing.length > 0) throw new ParameterNotFoundError(`Parameter not found: ${missing.join(', ')}`, missing);
      return new Map(names.map((n) => [n, shown(store.get(n) as Parameter, decrypt)]));
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

async function setup(store: Map<string, Parameter>, discoveryInterval = 1) {
  s.write(
    'ssm-render.yaml',
    `prefix: /P\nenv: E\nwatch: { discovery_interval: ${discoveryInterval} }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n`,
  );
  const config = resolveConfig({ flags: {}, env: { AWS_REGION: 'eu-west-1' }, cwd: s.dir });
  const log = await createLogger({ level: 'silent', format: 'json', redactor: new Redactor() });
  const mem = memorySource(store);
  return { refresher: new Refresher({ config, source: mem.source, log, redactor: new Redactor() }), ...mem };
}

const put = (store: Map<string, Parameter>, name: string, value: string, type: Parameter['type'] = 'SecureString') =>
  store.set(name, { name, value, type, version: (store.get(name)?.version ?? 0) + 1 });

describe('Refresher', () => {
  it('renders with decryption first, then (discovery_interval 1) lists versions only and decrypts just what changed', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    put(store, '/P/E/B', 'b1');
    put(store, '/P/E/C', 'plain', 'String');
    const { refresher, asked } = await setup(store);

    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(asked).toEqual([{ op: 'byPath', decrypt: true }]);

    asked.length = 0;
    expect((await refresher.refresh()).kind).toBe('unchanged');
    expect(asked).toEqual([{ op: 'byPath', decrypt: false }]);

    asked.length = 0;
    put(store, '/P/E/B', 'b2');
    put(store, '/P/E/C', 'plain2', 'String');
    const result = await refresher.refresh();
    expect(result.kind).toBe('rendered');
    expect(asked).toEqual([
      { op: 'byPath', decrypt: false },
      { op: 'byNames', decrypt: true, names: ['/P/E/B'] },
    ]);
    const env = readFileSync(s.path('out/app.env'), 'utf8');
    expect(env).toBe("A='a1'\nB='b2'\nC='plain2'\n");
  });

  it('re-renders when a destination was removed or edited on disk, even with nothing changed upstream', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    const { refresher } = await setup(store);
    await refresher.refresh();
    rmSync(s.path('out/app.env'));
    expect((await refresher.refresh()).kind).toBe('rendered');
    writeFileSync(s.path('out/app.env'), 'tampered');
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\n");
  });

  it('keeps its last good state when a refresh fails, so the next one compares against it', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    const { refresher, source } = await setup(store);
    await refresher.refresh();
    const original = source.byPath;
    source.byPath = async () => {
      throw new Error('boom');
    };
    await expect(refresher.refresh()).rejects.toThrow('boom');
    source.byPath = original;
    expect((await refresher.refresh()).kind).toBe('unchanged');
  });
});

describe('Refresher between discoveries (watch.discovery_interval)', () => {
  const listing = { op: 'byPath', decrypt: false };
  const byName = (names: string[]) => ({ op: 'byNames', decrypt: false, names });

  it('checks the known names by name without decryption, and lists the path every discovery_interval refreshes', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    put(store, '/P/E/B', 'plain', 'String');
    const { refresher, asked } = await setup(store, 3);
    await refresher.refresh();

    const calls: unknown[][] = [];
    for (let i = 0; i < 6; i++) {
      asked.length = 0;
      expect((await refresher.refresh()).kind).toBe('unchanged');
      calls.push([...asked]);
    }
    const names = byName(['/P/E/A', '/P/E/B']);
    expect(calls).toEqual([[names], [names], [listing], [names], [names], [listing]]);
  });

  it('a changed version found by name is decrypted (only it) and rendered; a String takes its value from the same answer', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    put(store, '/P/E/B', 'b1');
    put(store, '/P/E/C', 'plain', 'String');
    const { refresher, asked } = await setup(store, 10);
    await refresher.refresh();
    asked.length = 0;
    put(store, '/P/E/B', 'b2');
    put(store, '/P/E/C', 'plain2', 'String');
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(asked).toEqual([byName(['/P/E/A', '/P/E/B', '/P/E/C']), { op: 'byNames', decrypt: true, names: ['/P/E/B'] }]);
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\nB='b2'\nC='plain2'\n");
  });

  it('a name deleted between discoveries is a change: the path is listed at once, the file loses it, and the count restarts', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    put(store, '/P/E/B', 'b1');
    const { refresher, asked } = await setup(store, 3);
    await refresher.refresh();
    store.delete('/P/E/B');
    asked.length = 0;
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(asked).toEqual([byName(['/P/E/A', '/P/E/B']), listing]);
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\n");
    asked.length = 0;
    await refresher.refresh();
    await refresher.refresh();
    expect(asked).toEqual([byName(['/P/E/A']), byName(['/P/E/A'])]);
  });

  it('a name added between discoveries arrives at the next discovery, not before', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    const { refresher } = await setup(store, 2);
    await refresher.refresh();
    put(store, '/P/E/NEW', 'n1');
    expect((await refresher.refresh()).kind).toBe('unchanged');
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\nNEW='n1'\n");
  });

  it('a requested refresh (discover) lists the path at once, so a name added just before shows, and restarts the count', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    const { refresher, asked } = await setup(store, 10);
    await refresher.refresh();
    put(store, '/P/E/NEW', 'n1');
    asked.length = 0;
    expect((await refresher.refresh(undefined, { discover: true })).kind).toBe('rendered');
    expect(asked[0]).toEqual(listing);
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\nNEW='n1'\n");
    asked.length = 0;
    await refresher.refresh();
    expect(asked).toEqual([byName(['/P/E/A', '/P/E/NEW'])]);
  });

  it('a failed discovery refresh is tried again as a discovery', async () => {
    const store = new Map<string, Parameter>();
    put(store, '/P/E/A', 'a1');
    const { refresher, source, asked } = await setup(store, 2);
    await refresher.refresh();
    await refresher.refresh();
    const original = source.byPath;
    source.byPath = async () => {
      throw new Error('boom');
    };
    await expect(refresher.refresh()).rejects.toThrow('boom');
    source.byPath = original;
    asked.length = 0;
    await refresher.refresh();
    expect(asked).toEqual([listing]);
  });
});

describe('Refresher in local dev mode (the local source)', () => {
  it('renders again when a defaults file or a template changes, with the keys the template now references, and not otherwise', async () => {
    s.write('d.yaml', 'APP: {COLOR: blue}\n');
    s.write('app.hbs', 'color={{APP.COLOR}}\n');
    s.write('ssm-render.yaml', 'defaults:\n  files: [d.yaml]\ntemplates:\n  - source: app.hbs\n    destination: out/app.env\n');
    const config = resolveConfig({ flags: { local: true }, env: { MYSQL_HOST: 'localhost' }, cwd: s.dir });
    const log = await createLogger({ level: 'silent', format: 'json', redactor: new Redactor() });
    const source = localSource(config, { templates: () => templateReferences(config.templates) });
    const refresher = new Refresher({ config, source, log, redactor: new Redactor() });
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect((await refresher.refresh()).kind).toBe('unchanged');
    s.write('d.yaml', 'APP: {COLOR: green}\n');
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("color='green'\n");
    s.write('app.hbs', 'color={{APP.COLOR}}\nhost={{MYSQL.HOST}}\n');
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("color='green'\nhost='localhost'\n");
  });
});

describe('Refresher over `sources:`', () => {
  async function layered(common: Map<string, Parameter>, security: Map<string, Parameter>) {
    s.write(
      'ssm-render.yaml',
      'prefix: /P\nenv: E\nsources:\n  - path: /C/\n  - path: /S/\n    key_prefix: SEC\n    region: eu-central-1\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n',
    );
    const config = resolveConfig({ flags: {}, env: { AWS_REGION: 'eu-west-1' }, cwd: s.dir });
    const log = await createLogger({ level: 'silent', format: 'json', redactor: new Redactor() });
    const main = memorySource(common);
    const other = memorySource(security);
    const refresher = new Refresher({ config, source: main.source, sources: [undefined, other.source], log, redactor: new Redactor() });
    return { refresher, main, other };
  }

  it('reads each source from its own connection, checks each one by versions, and renders when any changed', async () => {
    const common = new Map<string, Parameter>();
    const security = new Map<string, Parameter>();
    put(common, '/C/A', 'a1');
    put(security, '/S/A', 's1');
    const { refresher, main, other } = await layered(common, security);
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\nSEC_A='s1'\n");
    main.asked.length = 0;
    other.asked.length = 0;
    expect((await refresher.refresh()).kind).toBe('unchanged');
    // Each source checks its own known names by name between listings (watch.discovery_interval).
    expect([main.asked, other.asked]).toEqual([[{ op: 'byNames', decrypt: false, names: ['/C/A'] }], [{ op: 'byNames', decrypt: false, names: ['/S/A'] }]]);
    put(security, '/S/A', 's2');
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\nSEC_A='s2'\n");
  });

  it('counts the refreshes since each source was listed on its own: a source that relisted (a name deleted) does not delay the others', async () => {
    const common = new Map<string, Parameter>();
    const security = new Map<string, Parameter>();
    put(common, '/C/A', 'a1');
    put(security, '/S/A', 's1');
    put(security, '/S/B', 'b1');
    const { refresher, main, other } = await layered(common, security);
    await refresher.refresh();
    for (let i = 0; i < 4; i++) await refresher.refresh();
    security.delete('/S/B');
    main.asked.length = 0;
    other.asked.length = 0;
    for (let i = 0; i < 6; i++) await refresher.refresh();
    // The 10th refresh after the first lists /C/; /S/ was listed at its deletion (the 5th), and not since.
    expect(main.asked.filter((a) => a.op === 'byPath')).toHaveLength(1);
    expect(other.asked.filter((a) => a.op === 'byPath')).toHaveLength(1);
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\nSEC_A='s1'\n");
  });

  it('renders nothing while one source fails, keeps the last good files, and renders the complete set once it answers', async () => {
    const common = new Map<string, Parameter>();
    const security = new Map<string, Parameter>();
    put(common, '/C/A', 'a1');
    put(security, '/S/A', 's1');
    const { refresher, other } = await layered(common, security);
    await refresher.refresh();
    put(common, '/C/A', 'a2');
    const original = other.source.byNames;
    other.source.byNames = async () => {
      throw new Error('region down');
    };
    await expect(refresher.refresh()).rejects.toThrow('region down');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a1'\nSEC_A='s1'\n");
    other.source.byNames = original;
    expect((await refresher.refresh()).kind).toBe('rendered');
    expect(readFileSync(s.path('out/app.env'), 'utf8')).toBe("A='a2'\nSEC_A='s1'\n");
  });
});
