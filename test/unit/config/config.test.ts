import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_CHECK_TIMEOUT_MS,
  DEFAULT_INTERVAL_MS,
  DEFAULT_MODE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  resolveConfig,
  type ConfigInput,
} from '../../../src/config/config';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

let dirs: Array<ReturnType<typeof scratch>> = [];
afterEach(() => {
  dirs.forEach((d) => d.cleanup());
  dirs = [];
});

/** A project whose ssm-render.yaml sits in `conf/`, so that paths relative to it differ from the cwd. */
function project(yaml: string | undefined) {
  const s = scratch();
  dirs.push(s);
  if (yaml !== undefined) s.write('conf/ssm-render.yaml', `prefix: /P\nenv: E\n${yaml}`);
  return s;
}
function resolveIn(yaml: string | undefined, extra: Partial<ConfigInput> = {}) {
  const p = project(yaml);
  const config = resolveConfig({ flags: yaml === undefined ? { prefix: '/P', env: 'E' } : { config: 'conf/ssm-render.yaml' }, env: {}, cwd: p.dir, ...extra });
  return { config, dir: p.dir, conf: join(p.dir, 'conf') };
}
function messageOf(yaml: string, extra: Partial<ConfigInput> = {}): string {
  try {
    resolveIn(yaml, extra);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('resolveConfig defaults', () => {
  it('defaults everything when there is no config file', () => {
    const { config } = resolveIn(undefined);
    expect(config.templates).toEqual([]);
    expect(config.parameters.size).toBe(0);
    expect(config.required).toEqual([]);
    expect(config.aliases.size).toBe(0);
    expect(config.allowEmpty).toBe(false);
    expect(config.defaults).toEqual({ yamlFiles: [], jsonFiles: [], values: {} });
    expect(config.requestTimeoutMs).toBe(DEFAULT_REQUEST_TIMEOUT_MS);
    expect(config.watch).toEqual({ intervalMs: DEFAULT_INTERVAL_MS, jitter: 0.1, maxStaleMs: undefined, backoffMs: 5_000, discoveryInterval: 10 });
    expect(config.onChange).toEqual({ command: undefined, timeoutMs: 30_000, signal: undefined, pidFile: undefined, touch: undefined });
    expect(config.exec).toEqual({ reloadSignal: 'SIGHUP', onChange: 'signal', killTimeoutMs: 10_000 });
    expect(DEFAULT_MODE).toBe(0o640);
    expect(DEFAULT_INTERVAL_MS).toBe(300_000);
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(10_000);
  });

  it('takes every setting the file gives', () => {
    const { config, conf } = resolveIn(
      [
        'request_timeout: 2s',
        'allow_empty: true',
        'parameters: { DB: /shared/db:3 }',
        'required: [MYSQL/PASSWORD]',
        'aliases: { MYSQL/PASSWORD: DB_PASS, ES/PASSWORD: [ES_PASSWORD, ELASTIC_PASSWORD] }',
        'defaults: { files: [a.yaml, b.YML, c.json], values: { MYSQL: { HOST: localhost } } }',
        'watch: { interval: 1m, jitter: 0, max_stale: 1h, backoff: 2s, discovery_interval: 3 }',
        'on_change: { command: [sh, -c, "true"], timeout: 5s, signal: SIGUSR1, pid_file: run/app.pid, touch: changed }',
        'exec: { reload_signal: SIGUSR2, on_change: restart, kill_timeout: 3s }',
        '',
      ].join('\n'),
    );
    expect(config.requestTimeoutMs).toBe(2_000);
    expect(config.allowEmpty).toBe(true);
    expect([...config.parameters]).toEqual([['DB', '/shared/db:3']]);
    expect(config.required).toEqual(['MYSQL/PASSWORD']);
    expect([...config.aliases]).toEqual([
      ['MYSQL/PASSWORD', ['DB_PASS']],
      ['ES/PASSWORD', ['ES_PASSWORD', 'ELASTIC_PASSWORD']],
    ]);
    expect(config.defaults).toEqual({
      yamlFiles: [join(conf, 'a.yaml'), join(conf, 'b.YML')],
      jsonFiles: [join(conf, 'c.json')],
      values: { MYSQL: { HOST: 'localhost' } },
    });
    expect(config.watch).toEqual({ intervalMs: 60_000, jitter: 0, maxStaleMs: 3_600_000, backoffMs: 2_000, discoveryInterval: 3 });
    expect(config.onChange).toEqual({
      command: ['sh', '-c', 'true'],
      timeoutMs: 5_000,
      signal: 'SIGUSR1',
      pidFile: join(conf, 'run/app.pid'),
      touch: join(conf, 'changed'),
    });
    expect(config.exec).toEqual({ reloadSignal: 'SIGUSR2', onChange: 'restart', killTimeoutMs: 3_000 });
  });

  it('keeps the first retry delay within the interval', () => {
    expect(resolveIn('watch: { interval: 2s }\n').config.watch.backoffMs).toBe(2_000);
    expect(resolveIn('watch: { interval: 2s, backoff: 1m }\n').config.watch.backoffMs).toBe(2_000);
  });

  it('refuses a defaults file that is neither YAML nor JSON, naming its place in the list', () => {
    expect(messageOf('defaults: { files: [a.yaml, b.toml] }\n')).toBe('Expected `defaults.files[1]` to be a .yaml, .yml or .json file, got `b.toml`');
  });
});

describe('resolveConfig templates', () => {
  it('resolves paths against the config file, infers the language from the destination and defaults the rest', () => {
    const { config, conf } = resolveIn(
      'templates:\n  - { source: t/app.hbs, destination: out/app.env }\n  - { format: json, destination: /abs/c.json, mode: "0600", uid: 1, gid: 2, include: [MYSQL] }\n  - { source: t/n.hbs, destination: n.conf, escape: none }\n  - { format: dotenv, destination: e.env, dialect: node }\n',
    );
    const [a, b, c, d] = config.templates;
    expect(a).toEqual({
      label: join(conf, 't/app.hbs'),
      source: join(conf, 't/app.hbs'),
      format: undefined,
      destination: join(conf, 'out/app.env'),
      mode: DEFAULT_MODE,
      uid: undefined,
      gid: undefined,
      escape: 'dotenv',
      dialect: 'portable',
      include: undefined,
      decode: new Map(),
    });
    expect(b).toMatchObject({
      label: 'format json',
      source: undefined,
      format: 'json',
      destination: '/abs/c.json',
      mode: 0o600,
      uid: 1,
      gid: 2,
      escape: 'json',
      include: ['MYSQL'],
    });
    expect(c).toMatchObject({ escape: 'none' });
    expect(d).toMatchObject({ escape: 'dotenv', dialect: 'node' });
  });

  it('takes format: files with decode:, and refuses decode: elsewhere, outside include:, check: on it, another destination inside it, and commit: snapshot', () => {
    const files = '  - { format: files, destination: out/tls, include: [TLS], decode: { TLS/KS: base64 } }\n';
    const [t] = resolveIn(`templates:\n${files}`).config.templates;
    expect(t).toMatchObject({ format: 'files', escape: 'none', decode: new Map([['TLS/KS', 'base64']]) });
    expect(messageOf('templates:\n  - { format: yaml, destination: a.yaml, decode: { A: base64 } }\n')).toContain('`decode` applies to `format: files`');
    expect(messageOf('templates:\n  - { format: files, destination: d, decode: { A: hex } }\n')).toContain('`templates[0].decode.A` to be one of base64');
    expect(messageOf('templates:\n  - { format: files, destination: d, include: [TLS], decode: { DB/KS: base64 } }\n')).toBe(
      '`templates[0].decode` names `DB/KS`, which is under none of its `include:` prefixes (TLS)',
    );
    expect(messageOf('templates:\n  - { format: files, destination: d, check: [x, "{{file}}"] }\n')).toContain('`check` runs on one staged file');
    expect(messageOf(`templates:\n${files}  - { format: yaml, destination: out/tls/x.yaml }\n`)).toContain('is inside the directory');
    expect(messageOf(`commit: snapshot\ntemplates:\n${files}`)).toContain('cannot be committed with `commit: snapshot`');
  });

  it('names the template whose destination says nothing of its language', () => {
    expect(messageOf('templates:\n  - { source: a.hbs, destination: app.conf }\n')).toBe(
      'Cannot tell how to escape values for `templates[0].destination` `app.conf`',
    );
  });

  it('names a dialect set on output that is not dotenv: the template in the file, the flag on the command line', () => {
    expect(messageOf('templates:\n  - { format: yaml, destination: a.yaml, dialect: node }\n')).toBe(
      '`templates[0].dialect` applies to dotenv output, but `a.yaml` is written as yaml',
    );
    expect(messageOf('templates: []\n', { output: { format: 'yaml', destination: 'x.yaml', dialect: 'node' } })).toBe(
      '`--dialect` applies to dotenv output, but `x.yaml` is written as yaml',
    );
  });

  it("--format/--output is the only destination, relative to the working directory: the config's templates are left out", () => {
    const { config, dir } = resolveIn('templates:\n  - { format: json, destination: a.json }\n', {
      output: { format: 'dotenv', destination: 'out.env', dialect: 'python' },
    });
    expect(config.templates.map((t) => [t.destination, t.escape, t.dialect])).toEqual([[join(dir, 'out.env'), 'dotenv', 'python']]);
  });

  it('refuses two templates writing one file, naming both', () => {
    expect(
      messageOf(
        'templates:\n  - { format: json, destination: a.json }\n  - { format: yaml, destination: b.yaml }\n  - { format: json, destination: ./a.json }\n',
      ),
    ).toMatch(/^`templates\[0\]` and `templates\[2\]` both write `.*\/conf\/a\.json`$/);
  });
});

describe('resolveConfig: check and commit', () => {
  it('takes a check with its timeout (10 s by default), and `commit` (files by default)', () => {
    const { config } = resolveIn(
      'commit: snapshot\ntemplates:\n  - { format: json, destination: a.json, check: [python3, -c, "import json,sys; json.load(open(sys.argv[1]))", "{{file}}"], check_timeout: 1500ms }\n  - { format: yaml, destination: b.yaml, check: [yamllint, "--config={{file}}"] }\n  - { format: yaml, destination: c.yaml }\n',
    );
    expect(config.commit).toBe('snapshot');
    expect(config.templates.map((t) => t.check)).toEqual([
      { argv: ['python3', '-c', 'import json,sys; json.load(open(sys.argv[1]))', '{{file}}'], timeoutMs: 1_500 },
      { argv: ['yamllint', '--config={{file}}'], timeoutMs: DEFAULT_CHECK_TIMEOUT_MS },
      undefined,
    ]);
    expect(DEFAULT_CHECK_TIMEOUT_MS).toBe(10_000);
    expect(resolveIn('templates: []\n').config.commit).toBe('files');
  });

  it('refuses a check that never names the staged file, naming the key', () => {
    expect(messageOf('templates:\n  - { format: yaml, destination: a.yaml, check: [nginx, -t] }\n')).toContain(
      "Expected `templates[0].check` to be a list with `{{file}}` in an argument, where the staged file's path goes",
    );
  });

  it('refuses an empty check, a check_timeout without a check, a bad timeout and an unknown commit mode', () => {
    expect(messageOf('templates:\n  - { format: yaml, destination: a.yaml, check: [] }\n')).toContain(
      'Expected `templates[0].check` to be a list with at least the program',
    );
    expect(messageOf('templates:\n  - { format: yaml, destination: a.yaml, check_timeout: 5s }\n')).toContain(
      'Missing `templates[0].check`: expected the program `check_timeout` applies to',
    );
    expect(messageOf('templates:\n  - { format: yaml, destination: a.yaml, check: [v, "{{file}}"], check_timeout: 0s }\n')).toContain(
      'Expected `templates[0].check_timeout` to be at least `1ms`, got `0s`',
    );
    expect(messageOf('commit: atomic\n')).toContain('Expected `commit` to be one of files, snapshot, got `atomic`');
  });
});
