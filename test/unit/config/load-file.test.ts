import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigFile, MAX_CONFIG_BYTES } from '../../../src/config/load-file';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

const s = scratch();
afterAll(() => s.cleanup());
const load = (yaml: string) => loadConfigFile(s.write(`c${Math.random()}.yaml`, yaml));
const messageOf = (yaml: string): string => {
  try {
    load(yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).exitCode).toBe(2);
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

describe('loadConfigFile', () => {
  it('accepts the contract example and converts durations and modes', () => {
    const c = load(`
prefix: /ELASMETRICS
env: STAGING
region: eu-west-1
request_timeout: 2s
parameters: { DB_CREDS: /aws/reference/secretsmanager/prod/db }
required: [ELASTICSEARCH/PASSWORD, MYSQL/PASSWORD]
defaults:
  files: [config/config.yaml, config/airflow.json]
  values: { MYSQL: { HOST: localhost } }
templates:
  - source: templates/app.env.hbs
    destination: /secrets/app.env
    mode: "0640"
  - format: yaml
    destination: /secrets/config.yaml
    uid: 1000
    gid: 1000
`);
    expect(c.templates?.[0]?.mode).toBe(0o640);
    expect(c.request_timeout).toBe(2000);
    expect(c.parameters).toEqual({ DB_CREDS: '/aws/reference/secretsmanager/prod/db' });
  });

  it('names an unknown key and suggests the near one', () => {
    expect(messageOf('templates:\n  - format: json\n    destnation: x.json\n')).toMatch(
      /Unknown key `templates\[0\]\.destnation` \(did you mean `destination`\?\)/,
    );
    expect(messageOf('regoin: eu-west-1\n')).toMatch(/Unknown key `regoin` \(did you mean `region`\?\)/);
  });

  it('names the key and the value received for a bad value', () => {
    expect(messageOf('templates:\n  - format: json\n    destination: x.json\n    mode: 0640\n')).toMatch(
      /Expected `templates\[0\]\.mode` to be an octal mode in quotes such as "0640", got `640` \(number\)/,
    );
    expect(messageOf('request_timeout: -5s\n')).toMatch(/Expected `request_timeout` to be a duration such as `30s` or `5m`, got `-5s` \(string\)/);
    expect(messageOf('templates:\n  - format: toml\n    destination: x\n')).toMatch(
      /Expected `templates\[0\]\.format` to be one of dotenv, shell, yaml, json, properties, files, got `toml`/,
    );
    expect(messageOf('templates:\n  - destination: x.env\n')).toMatch(/exactly one of `source`/);
    expect(messageOf('required: MYSQL/PASSWORD\n')).toMatch(/Expected `required` to be a list of relative keys/);
  });

  it('never echoes a value under defaults.values, only its type', () => {
    const message = messageOf('defaults:\n  values:\n    DB: [ { PASSWORD: canary-in-a-list } ]\n    PIN: .inf\n');
    expect(message).toMatch(/Expected `defaults\.values\.DB` to be .*, got a list \(1 item\)/);
    expect(message).toMatch(/Expected `defaults\.values\.PIN` to be .*, got a number/);
    expect(message).not.toMatch(/canary|inf/i);
  });

  it('reports YAML syntax errors with the line, without quoting the file', () => {
    const message = messageOf('defaults:\n  values:\n    PASSWORD: "hunter2-canary\n  bad: [\n');
    expect(message).toMatch(/not valid YAML or JSON/);
    expect(message).not.toContain('hunter2-canary');
  });

  it('accepts JSON', () => {
    expect(load('{"env": "STAGING", "allow_empty": true}').allow_empty).toBe(true);
  });
});

describe('watch, on_change and exec keys', () => {
  it('accepts them and checks each', () => {
    const c = load(
      'watch: { interval: 30s, jitter: 0.2, max_stale: 1h }\non_change: { command: [sh, -c, "true"], timeout: 5s, signal: SIGHUP, pid_file: /run/app.pid, touch: /tmp/x }\nexec: { reload_signal: SIGUSR1, on_change: restart, kill_timeout: 3s }\n',
    );
    expect(c.watch).toEqual({ interval: 30_000, jitter: 0.2, max_stale: 3_600_000 });
    expect(c.exec).toEqual({ reload_signal: 'SIGUSR1', on_change: 'restart', kill_timeout: 3_000 });
    expect(messageOf('watch: { interval: 500ms }\n')).toMatch(/Expected `watch\.interval` to be at least `1s`, got `500ms` \(string\)/);
    expect(messageOf('watch: { interval: 30d }\n')).toMatch(/Expected `watch\.interval` to be at most `20d`, got `30d` \(string\)/);
    expect(messageOf('watch: { backoff: 0s }\n')).toMatch(/Expected `watch\.backoff` to be at least `1s`, got `0s` \(string\)/);
    expect(messageOf('request_timeout: 0s\n')).toMatch(/Expected `request_timeout` to be at least `1ms`, got `0s` \(string\)/);
    expect(messageOf('watch: { max_stale: 0s }\n')).toMatch(/Expected `watch\.max_stale` to be at least `1ms`/);
    expect(messageOf('on_change: { timeout: 0s }\n')).toMatch(/Expected `on_change\.timeout` to be at least `1ms`/);
    expect(load('exec: { kill_timeout: 0s }\n').exec).toEqual({ kill_timeout: 0 });
    for (const bad of ['0', '1.5', '"10"', '1001']) {
      expect(messageOf(`watch: { discovery_interval: ${bad} }\n`)).toMatch(
        /`watch\.discovery_interval` to be a whole number of refreshes from 1 to 1000, such as 10, got /,
      );
    }
    expect(load('watch: { discovery_interval: 1 }\n').watch).toEqual({ discovery_interval: 1 });
    expect(messageOf('watch: { jitter: 2 }\n')).toMatch(/`watch\.jitter` to be a fraction between 0 and 1, such as 0\.1, got `2` \(number\)/);
    expect(messageOf('on_change: { signal: SIGHUP }\n')).toMatch(/both `signal` and `pid_file`, or neither/);
    expect(messageOf('on_change: { command: "kill -HUP 1" }\n')).toMatch(/`on_change\.command` to be a list/);
    expect(messageOf('exec: { reload_signal: HUP }\n')).toMatch(/`exec\.reload_signal` to be a signal name/);
  });
});

describe('hostile or mistaken config files', () => {
  it('refuses an alias bomb quickly, as a config error naming the limit', () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const [name, prev] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      levels.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const started = performance.now();
    const message = messageOf(`${levels.join('\n')}\n`);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(message).toMatch(/expands its aliases \(`\*name`\) into more than 100 copies/);
  });

  it('still reads a few aliases', () => {
    const c = load('defaults: { values: { D: &dest out.json } }\ntemplates:\n  - { format: json, destination: *dest }\n');
    expect(c.templates?.[0]?.destination).toBe('out.json');
  });

  it('names a key set twice, with its path and both lines', () => {
    expect(messageOf('env: STAGING\nwatch:\n  interval: 5m\n  interval: 1m\n')).toMatch(/sets `watch\.interval` twice, at line 3 and line 4/);
  });

  it('loads a config of 40,000 parameters in bounded time', () => {
    const yaml = `parameters:\n${Array.from({ length: 40_000 }, (_, i) => `  K${i}: /a/K${i}\n`).join('')}`;
    const started = performance.now();
    expect(Object.keys(load(yaml).parameters ?? {})).toHaveLength(40_000);
    expect(performance.now() - started).toBeLessThan(15_000);
  }, 60_000);

  it('refuses a file over the size limit unparsed, naming the limit', () => {
    const yaml = `parameters:\n${'  K: /a\n'.repeat(MAX_CONFIG_BYTES / 8 + 1)}`;
    expect(Buffer.byteLength(yaml)).toBeGreaterThan(MAX_CONFIG_BYTES);
    expect(messageOf(yaml)).toMatch(/is larger than 1 MiB, the limit for a config file/);
    // Exactly at the limit is still read (and here, refused for its duplicate key).
    expect(messageOf(`parameters:\n  K: /a\n  K: /b\n#${'x'.repeat(MAX_CONFIG_BYTES - 29)}`)).toMatch(/sets `parameters\.K` twice/);
  });

  it('reports nesting too deep for the parser as a config error', () => {
    expect(messageOf(`a: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`)).toMatch(/not valid YAML or JSON/);
  });

  it('names a directory given as the config file', () => {
    expect(() => loadConfigFile(s.dir)).toThrow(/Cannot read config file .* \(EISDIR\)/);
  });
});

describe('unknown keys', () => {
  // Every nested object is strict: a typo anywhere is an error naming the full key.
  const cases: Array<[string, string, string]> = [
    ['top level', 'regoin: eu-west-1\n', '`regoin` (did you mean `region`?)'],
    ['templates[]', 'templates:\n  - { format: json, destination: x.json, mdoe: "0600" }\n', '`templates[0].mdoe` (did you mean `mode`?)'],
    ['defaults', 'defaults: { value: { A: b } }\n', '`defaults.value` (did you mean `values`?)'],
    ['watch', 'watch: { intervall: 5m }\n', '`watch.intervall` (did you mean `interval`?)'],
    ['on_change', 'on_change: { pidfile: /run/x.pid }\n', '`on_change.pidfile` (did you mean `pid_file`?)'],
    ['exec', 'exec: { kill_timout: 3s }\n', '`exec.kill_timout` (did you mean `kill_timeout`?)'],
    ['watch, far from any key', 'watch: { colour: blue }\n', '`watch.colour`'],
  ];
  it.each(cases)('under %s', (_where, yaml, named) => {
    const message = messageOf(yaml);
    expect(message).toContain(`Unknown key ${named}`);
  });

  it('names a key far from every known one without a guess', () => {
    expect(messageOf('watch: { colour: blue }\n')).not.toMatch(/did you mean/);
  });
});
