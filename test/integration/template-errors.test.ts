import { readFileSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, clear, fakeHooks, lastLog, PATH, type Scratch } from '../support/toolkit';

// Errors raised while a template runs are built from the template's text and the key, never from a
// value: the log's scrubber skips SecureStrings under 4 characters, and Handlebars' own console
// output does not go through it at all.

/** Three characters: under the scrubber's minimum, so only the message itself can keep it out. */
const PIN = '7Q2';
/** A SecureString that is also the name of a method of every string. */
const METHOD = 'codePointAt';

let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  clear(fake);
  fake.put(`${PATH}APP/PIN`, PIN, { type: 'SecureString' });
  fake.put(`${PATH}APP/METHOD`, METHOD, { type: 'SecureString' });
  fake.put(`${PATH}APP/USER`, 'metrics_user', { type: 'String' });
  fake.put(`${PATH}APP/NOTE`, `it's #1`, { type: 'String' });
});

async function renderTemplate(template: string): Promise<CliResult> {
  dir.write('app.env.hbs', template);
  dir.write('ssm-render.yaml', 'templates:\n  - source: app.env.hbs\n    destination: out/app.env\n');
  return runCli(['render'], { cwd: dir.dir, env: awsEnv(fake) });
}

function expectNeither(result: CliResult, ...values: string[]): void {
  for (const value of values) {
    expect(result.stdout).not.toContain(value);
    expect(result.stderr).not.toContain(value);
  }
}

describe('an error raised while a template runs', () => {
  it('names the template, the line and the key of a partial named by a value, never the value', async () => {
    const result = await renderTemplate('# app\n{{> (lookup params "APP/PIN")}}\n');
    expect(result.code, result.stderr).toBe(4);
    expect(lastLog(result)['msg']).toMatch(/^`\(lookup params "APP\/PIN"\)` names no partial this template defines .* in \/\S+\/app\.env\.hbs line 2$/);
    expectNeither(result, PIN);
  });

  it('leaves no trace of a value used as a property name, where Handlebars would print it to the console', async () => {
    const result = await renderTemplate('USER={{APP.USER}}\nX={{lookup APP.USER (lookup params "APP/METHOD")}}\n');
    expect(result.code, result.stderr).toBe(4);
    expect(lastLog(result)['msg']).toMatch(/^Missing key `\(lookup APP\.USER \(lookup params "APP\/METHOD"\)\)` in \/\S+\/app\.env\.hbs line 2$/);
    expectNeither(result, METHOD);
  });

  it('renders a partial the template defines, chosen by a value, its values escaped as anywhere else', async () => {
    const result = await renderTemplate('{{#*inline "7Q2"}}NOTE={{APP.NOTE}}\n{{/inline}}{{> (lookup params "APP/PIN")}}');
    expect(result.code, result.stderr).toBe(0);
    expect(parseDotenv(readFileSync(dir.path('out/app.env')))).toEqual({ NOTE: "it's #1" });
  });
});
