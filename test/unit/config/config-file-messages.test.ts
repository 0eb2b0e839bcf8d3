import { mkdirSync, writeFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBoolean } from '../../../src/config/booleans';
import { findDuplicateKey } from '../../../src/config/duplicate-keys';
import { readEnvFile } from '../../../src/config/env-files';
import { languageForPath } from '../../../src/config/language';
import { checkConfig, loadConfigFile, MAX_CONFIG_BYTES } from '../../../src/config/load-file';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

const s = scratch();
afterAll(() => s.cleanup());

const thrown = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  return expect.fail('expected a ConfigError');
};
const problems = (data: unknown): string[] => checkConfig(data).problems ?? expect.fail('expected the config to be refused');

describe('loadConfigFile: each refusal names the file and says what to check', () => {
  it.each([
    [
      'missing',
      () => s.path('missing.yaml'),
      /^Cannot read config file `.*missing\.yaml` \(ENOENT\)$/,
      'check --config / SSM_RENDER_CONFIG, or create ssm-render.yaml',
    ],
    [
      'a directory',
      () => {
        mkdirSync(s.path('dir.yaml'), { recursive: true });
        return s.path('dir.yaml');
      },
      /^Cannot read config file `.*dir\.yaml` \(EISDIR\)$/,
      'check the file permissions',
    ],
    [
      'too large',
      () => s.write('big.yaml', `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`),
      /^Config file `.*big\.yaml` is larger than 1 MiB, the limit for a config file$/,
      'check --config / SSM_RENDER_CONFIG names the config file, not a data file',
    ],
    [
      'not YAML',
      () => s.write('bad.yaml', 'a: [1, 2\n'),
      /^Config file `.*bad\.yaml` is not valid YAML or JSON: [^\n]+$/,
      'check indentation and quoting near that line',
    ],
    [
      'a key twice',
      () => s.write('twice.yaml', 'env: A\nenv: B\n'),
      /^Config file `.*twice\.yaml` sets `env` twice, at line 1 and line 2$/,
      'keep one of them',
    ],
    [
      'aliases expanding too far',
      () => s.write('bomb.yaml', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [${Array(11).fill('*a').join(', ')}]\nc: [${Array(11).fill('*b').join(', ')}]\n`),
      /^Config file `.*bomb\.yaml` expands its aliases \(`\*name`\) into more than 100 copies$/,
      'write the repeated settings out, or alias fewer and smaller parts',
    ],
    [
      'invalid',
      () => s.write('invalid.yaml', 'regoin: x\n'),
      /^Config file `.*invalid\.yaml` is invalid: Unknown key `regoin`/,
      'see the config reference in README.md',
    ],
  ])('%s', (_name, make, message, hint) => {
    const error = thrown(() => loadConfigFile(make()));
    expect(error.message).toMatch(message);
    expect(error.hint).toBe(hint);
  });

  it.each([
    ['a list', '- a\n- b\n', 'a list'],
    ['text', 'just text\n', 'string'],
    ['a number', '42\n', 'number'],
  ])('refuses a file holding %s instead of settings', (_name, text, got) => {
    const file = s.write(`scalar-${got.replace(' ', '-')}.yaml`, text);
    expect(thrown(() => loadConfigFile(file)).message).toBe(`Config file \`${file}\` must hold a mapping of settings, got ${got}`);
  });

  it('reads an empty file as no settings', () => {
    expect(loadConfigFile(s.write('empty.yaml', ''))).toEqual({});
  });
});

describe('checkConfig: the rules between fields, each at its place', () => {
  it('a template needs exactly one of source and format', () => {
    const line = 'Expected `templates[0]` to be exactly one of `source` (a template) or `format` (a built-in format), got a mapping';
    expect(problems({ templates: [{ destination: 'a.json' }] })).toEqual([line]);
    expect(problems({ templates: [{ source: 'a.hbs', format: 'json', destination: 'a.json' }] })).toEqual([line]);
  });

  it('a built-in format takes no escape', () => {
    expect(problems({ templates: [{ format: 'json', escape: 'json', destination: 'a.json' }] })).toEqual([
      'Expected `templates[0].escape` to be absent: `escape` applies to templates, a built-in format escapes for itself, got `json` (string)',
    ]);
  });

  it('on_change needs both signal and pid_file, or neither', () => {
    const line = 'Expected `on_change` to be both `signal` and `pid_file`, or neither, got a mapping';
    expect(problems({ on_change: { signal: 'SIGHUP' } })).toEqual([line]);
    expect(problems({ on_change: { pid_file: '/run/app.pid' } })).toEqual([line]);
    expect(checkConfig({ on_change: { signal: 'SIGHUP', pid_file: '/run/app.pid' } }).config).toBeDefined();
  });

  it('defaults.values is a mapping', () => {
    expect(problems({ defaults: { values: 5 } })).toEqual([
      'Expected `defaults.values` to be a mapping of keys to text values (nested mappings allowed), got a number',
    ]);
  });
});

describe('parseBoolean', () => {
  it('reads the words in any case and with spaces around, and says how to set it otherwise', () => {
    expect(parseBoolean('X', ' TRUE ', 'X (environment)')).toBe(true);
    expect(parseBoolean('X', ' Off', 'X (environment)')).toBe(false);
    const error = thrown(() => parseBoolean('LOCAL_DEV_MODE', 'maybe', 'LOCAL_DEV_MODE (.env)'));
    expect(error.hint).toBe('set LOCAL_DEV_MODE=true or LOCAL_DEV_MODE=false');
  });

  it.each([
    ['true', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['off', false],
    ['', false],
  ])('reads `%s` as %s', (word, expected) => {
    expect(parseBoolean('X', word, 'X (environment)')).toBe(expected);
  });

  it.each(['y', 'n', '2', 'enabled', 'true false'])('refuses `%s`, quoting it', (word) => {
    expect(thrown(() => parseBoolean('X', word, 'X (environment)')).message).toBe(`Expected \`X\` to be true or false, got \`${word}\` (from X (environment))`);
  });
});

describe('languageForPath', () => {
  it.each([
    ['/app/.env', 'dotenv'],
    ['/app/.env.production', 'dotenv'],
    ['/app/APP.ENV', 'dotenv'],
    ['/app/run.bash', 'shell'],
    ['/app/c.yml', 'yaml'],
    ['/app/x.properties', 'properties'],
    ['/app/.envrc', undefined],
    ['/app/prod.env.example', undefined],
    ['/app/config', undefined],
  ])('%s is written as %s', (path, language) => {
    expect(languageForPath(path)).toBe(language);
  });
});

describe('readEnvFile', () => {
  it('reads nothing where there is no file, or where the directory is a file', () => {
    expect(readEnvFile(s.dir, 'absent.env')).toBeUndefined();
    writeFileSync(s.path('plain'), 'x');
    expect(readEnvFile(s.path('plain'), '.env')).toBeUndefined();
  });

  it('names a .env it cannot read', () => {
    mkdirSync(s.path('envdir/.env'), { recursive: true });
    const error = thrown(() => readEnvFile(s.path('envdir'), '.env'));
    expect(error.message).toBe(`Cannot read \`${s.path('envdir/.env')}\` (EISDIR)`);
    expect(error.hint).toBe('check the file permissions');
  });

  it('gives the values and the name of the file they came from', () => {
    s.write('vals/.env.qa', 'A=1\nB="two words"\n');
    expect(readEnvFile(s.path('vals'), '.env.qa')).toEqual({ file: '.env.qa', values: { A: '1', B: 'two words' } });
  });
});

describe('findDuplicateKey', () => {
  const duplicateIn = (text: string) => {
    const lines = new LineCounter();
    const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
    return findDuplicateKey(doc.contents, lines);
  };

  it('gives the line of each of the two', () => {
    expect(duplicateIn('prefix: /P\nwatch:\n  interval: 1m\n\n  interval: 2m\n')).toEqual({ path: 'watch.interval', line: 5, firstLine: 3 });
  });

  it('does not take two different complex keys for one', () => {
    expect(duplicateIn('? [a]\n: 1\n? [b]\n: 2\n')).toBeUndefined();
  });
});
