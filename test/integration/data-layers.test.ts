import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, clear, fakeHooks, lastLog, PATH, type Scratch } from '../support/toolkit';

let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  clear(fake);
});

const render = (extra: Record<string, string> = {}): Promise<CliResult> => runCli(['render'], { cwd: dir.dir, env: awsEnv(fake, extra) });

describe('the layers of the data, in the guide order: Parameter Store > environment > YAML > JSON > defaults.values', () => {
  it('each key takes its value from the highest layer that has it; an aliased variable never beats Parameter Store', async () => {
    fake.put(`${PATH}STORE`, 'from-store', { type: 'String' });
    fake.put(`${PATH}ALIASED`, 'from-store', { type: 'SecureString' });
    dir.write('defaults.yaml', 'STORE: from-yaml\nALIASED: from-yaml\nENVIRONMENT: from-yaml\nYAML: from-yaml\n');
    dir.write('defaults.json', JSON.stringify({ STORE: 'from-json', ALIASED: 'from-json', ENVIRONMENT: 'from-json', YAML: 'from-json', JSON: 'from-json' }));
    dir.write(
      'ssm-render.yaml',
      [
        'aliases: { ALIASED: APP_ALIASED, ENVIRONMENT: APP_ENVIRONMENT }',
        'defaults:',
        '  files: [defaults.yaml, defaults.json]',
        '  values: { STORE: from-values, ALIASED: from-values, ENVIRONMENT: from-values, YAML: from-values, JSON: from-values, VALUES: from-values }',
        'templates:',
        '  - format: json',
        '    destination: out/all.json',
        '',
      ].join('\n'),
    );
    const result = await render({
      STORE: 'from-environment',
      ALIASED: 'from-environment',
      APP_ALIASED: 'from-environment',
      APP_ENVIRONMENT: 'from-environment',
      UNKNOWN: 'from-environment',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(dir.path('out/all.json'), 'utf8'))).toEqual({
      ALIASED: 'from-store',
      ENVIRONMENT: 'from-environment',
      JSON: 'from-json',
      STORE: 'from-store',
      VALUES: 'from-values',
      YAML: 'from-yaml',
    });
  });
});

describe('values from outside Parameter Store are as secret as SecureStrings in what the process prints', () => {
  // A Handlebars runtime message can quote a value (here a partial named by one); the log redactor is
  // the backstop. Short values (4 to 11 characters) are redacted only when taken as secret.
  const template = 'X={{> (lookup params "LAYOUT")}}\n';

  it.each([
    ['an environment variable', { LAYOUT: 'Zq7envpw' }, ''],
    ['defaults.values', {}, 'defaults:\n  values: { LAYOUT: Zq7defpw }\n'],
  ])('a value from %s that reaches an error message is printed as [REDACTED]', async (_from, env: Record<string, string>, defaults) => {
    fake.put(`${PATH}OTHER`, 'plain', { type: 'String' });
    dir.write('t.hbs', template);
    dir.write('ssm-render.yaml', `aliases: { LAYOUT: LAYOUT }\n${defaults}templates:\n  - source: t.hbs\n    destination: out/t.env\n`);
    const result = await render(env);
    expect(result.code).toBe(4);
    expect(lastLog(result)['msg']).toMatch(/The partial \[REDACTED\] could not be found/);
    expect(result.stderr).not.toMatch(/Zq7/);
    expect(result.stdout).not.toMatch(/Zq7/);
  });
});
