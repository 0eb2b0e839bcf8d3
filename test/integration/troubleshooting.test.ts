import { beforeEach, describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, clear, expectNoLeak, guideHooks, lastLog, PATH, type Scratch } from '../support/toolkit';

// The guide's three troubleshooting messages, from every command, each exit 3 with its hint.
let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
  dir.write('ssm-render.yaml', 'required: [MYSQL/PASSWORD]\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n');
});

async function run(args: string[], env: Record<string, string | undefined> = {}, input?: string): Promise<CliResult> {
  const result = await runCli(args, { cwd: dir.dir, env: awsEnv(fake, env), input });
  expectNoLeak(result);
  return result;
}

/** What the person reads: the error line, or for health-check the failing check in its report. */
function reported(r: CliResult): Record<string, unknown> {
  if (r.stdout.startsWith('{')) return (JSON.parse(r.stdout) as { checks: Array<Record<string, unknown>> }).checks.find((c) => c['status'] === 'fail') ?? {};
  const log = lastLog(r);
  return { ...log, detail: log['msg'] };
}

const COMMANDS: Array<[string, string[], string | undefined, string]> = [
  ['render', ['render'], undefined, 'GetParametersByPath'],
  ['get', ['get', 'MYSQL/PASSWORD'], undefined, 'GetParameter'],
  ['ls', ['ls'], undefined, 'GetParametersByPath'],
  ['put', ['put', 'MYSQL/NEW'], 'value\n', 'PutParameter'],
  ['delete', ['delete', '--yes', 'MYSQL/USER'], undefined, 'DeleteParameter'],
  ['health-check', ['health-check', '--json'], undefined, 'GetParametersByPath'],
];

describe('"AWS credentials not found"', () => {
  it.each(COMMANDS)('from %s', async (_name, args, input) => {
    const result = await run(args, { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined }, input);
    expect(result.code).toBe(3);
    const r = reported(result);
    expect(r).toMatchObject({ code: 'CREDENTIALS', detail: 'AWS credentials not found' });
    expect(String(r['hint'])).toMatch(/AWS_ACCESS_KEY_ID.*AWS_PROFILE.*LOCAL_DEV_MODE=true/);
  });
});

describe('"Access Denied" names the action and the resource and points to iam-policy', () => {
  it.each(COMMANDS)('from %s', async (_name, args, input, operation) => {
    fake.inject({ operation, kind: 'access-denied' });
    const result = await run(args, {}, input);
    expect(result.code).toBe(3);
    const r = reported(result);
    expect(r['code']).toBe('ACCESS_DENIED');
    expect(String(r['detail'])).toMatch(new RegExp(`^Access denied: ssm:${operation} on /ELASMETRICS/STAGING/`));
    expect(String(r['hint'])).toMatch(
      /allow ssm:\w+ on arn:aws:ssm:eu-west-1:\*:parameter\/ELASMETRICS\/STAGING(\/\S+)? for this role.*`ssm-render iam-policy/,
    );
  });
});

describe('"Parameter not found" says which path ENV chose and lists near misses', () => {
  beforeEach(() => {
    clear(fake);
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD', 'p', { type: 'SecureString' });
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/USER', 'u', { type: 'String' });
    fake.put(`${PATH}MYSQL/HOST`, 'h', { type: 'String' });
  });

  it.each([
    ['render', ['render'], `Parameter not found: ${PATH}MYSQL/PASSWORD (required)`],
    ['get', ['get', 'MYSQL/PASSWORD'], `Parameter not found: ${PATH}MYSQL/PASSWORD`],
    ['delete', ['delete', '--yes', 'MYSQL/PASSWORD'], `Parameter not found: ${PATH}MYSQL/PASSWORD`],
    ['health-check', ['health-check', '--json'], 'MYSQL/PASSWORD: missing (/ELASMETRICS/STAGING/MYSQL/PASSWORD)'],
  ])('from %s', async (_name, args, detail) => {
    const result = await run(args);
    expect(result.code).toBe(3);
    const r = reported(result);
    expect(r).toMatchObject({ code: 'PARAMETER_NOT_FOUND', detail });
    expect(String(r['hint'])).toMatch(
      /^similar names exist: \/ELASMETRICS\/PRODUCTION\/MYSQL\/PASSWORD \(ENV=PRODUCTION\); read \/ELASMETRICS\/STAGING\/ \(ENV=STAGING from ENV \(environment\)\)/,
    );
  });

  it('from render and ls, for a path with nothing under it', async () => {
    fake.delete(`${PATH}MYSQL/HOST`);
    for (const args of [['render'], ['ls']]) {
      const result = await run(args);
      expect(result.code).toBe(3);
      expect(lastLog(result)['msg']).toBe('Parameter not found: nothing under /ELASMETRICS/STAGING/ (ENV=STAGING from ENV (environment))');
      expect(String(lastLog(result)['hint'])).toMatch(
        /^similar names exist: \/ELASMETRICS\/PRODUCTION\/ \(ENV=PRODUCTION: 2 parameters\); (check ENV|read \/ELASMETRICS\/STAGING\/)/,
      );
    }
  });

  it('render lists near misses for named parameters too', async () => {
    fake.put('/shared/PRODUCTION/API/TOKEN', 't', { type: 'SecureString' });
    dir.write('ssm-render.yaml', 'parameters:\n  TOKEN: /shared/STAGING/API/TOKEN\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n');
    const result = await run(['render']);
    expect(result.code).toBe(3);
    expect(lastLog(result)['msg']).toBe('Parameter not found: /shared/STAGING/API/TOKEN');
    expect(String(lastLog(result)['hint'])).toMatch(/^similar names exist: \/shared\/PRODUCTION\/API\/TOKEN \(ENV=PRODUCTION\)/);
  });
});
