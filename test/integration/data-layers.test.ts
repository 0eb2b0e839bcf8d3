import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, clear, fakeHooks, PATH, type Scratch } from '../support/toolkit';

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
