import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, CANARY, clear, expectNoLeak, fakeHooks, lastLog, PATH, type Scratch } from '../support/toolkit';

// The region in messages: a value that is not a region is named with the setting that gave it, and
// a path with nothing under it names the region read (each region holds its own parameters).

let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  clear(fake);
  fake.put(`${PATH}MYSQL/PASSWORD`, `pw-${CANARY}`, { type: 'SecureString' });
  dir.write('ssm-render.yaml', 'templates:\n  - format: dotenv\n    destination: out/app.env\n');
});

const run = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> => runCli(args, { cwd: dir.dir, env: awsEnv(fake, env) });

describe('a region that is not one', () => {
  it.each([
    ['--region', ['render', '--region', 'EU West'], {}, '--region', 'EU West'],
    ['AWS_REGION', ['render'], { AWS_REGION: 'EU West' }, 'AWS_REGION (environment)', 'EU West'],
    [
      'AWS_DEFAULT_REGION',
      ['get', 'MYSQL/PASSWORD'],
      { AWS_REGION: undefined, AWS_DEFAULT_REGION: 'eu_west_1' },
      'AWS_DEFAULT_REGION (environment)',
      'eu_west_1',
    ],
    ['an empty AWS_REGION', ['ls'], { AWS_REGION: '' }, 'AWS_REGION (environment)', ''],
  ])('from %s: exit 2, the value quoted and where it was set, no call', async (_name, args, env, from, value) => {
    const result = await run(args, env);
    expect(result.code, result.stderr).toBe(2);
    expectNoLeak(result);
    expect(lastLog(result)).toMatchObject({
      code: 'CONFIG_INVALID',
      msg: `Expected the AWS region (from ${from}) to be a region name such as \`eu-west-1\`, got \`${value}\``,
    });
    expect(String(lastLog(result)['hint'])).toContain(`fix it in ${from}`);
    expect(fake.calls()).toEqual({});
  });

  it('from the config file or a .env file, named as such; health-check shows it in its region check', async () => {
    dir.write('ssm-render.yaml', 'region: EU West\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n');
    const fromFile = await run(['render'], { AWS_REGION: undefined });
    expect(fromFile.code, fromFile.stderr).toBe(2);
    expect(String(lastLog(fromFile)['msg'])).toMatch(/^Expected the AWS region \(from region \(config file .*ssm-render\.yaml\)\) to be a region name/);
    dir.write('.env', 'AWS_REGION=eu west 1\n');
    const check = await run(['health-check', '--json'], { AWS_REGION: undefined });
    expect(check.code, check.stdout + check.stderr).toBe(2);
    const report = JSON.parse(check.stdout) as { checks: Array<Record<string, string>> };
    expect(report.checks).toEqual([
      expect.objectContaining({
        check: 'region',
        status: 'fail',
        detail: 'Expected the AWS region (from AWS_REGION (.env)) to be a region name such as `eu-west-1`, got `eu west 1`',
      }),
    ]);
    expect(fake.calls()).toEqual({});
  });

  it('iam-policy checks it too', async () => {
    const result = await run(['iam-policy', '--region', 'EU West']);
    expect(result.code).toBe(2);
    expect(String(lastLog(result)['msg'])).toContain('got `EU West`');
  });
});

describe('a path with nothing under it names the region read', () => {
  it.each([
    ['render', ['render'], 'AWS_REGION (environment)', {}],
    ['ls', ['ls'], 'AWS_REGION (environment)', {}],
    ['render --region', ['render', '--region', 'eu-central-1'], '--region', {}],
  ])('from %s', async (_name, args, from, env) => {
    clear(fake);
    const result = await run(args, env);
    expect(result.code).toBe(3);
    expectNoLeak(result);
    expect(lastLog(result)['msg']).toBe('Parameter not found: nothing under /ELASMETRICS/STAGING/ (ENV=STAGING from ENV (environment))');
    const region = args.includes('eu-central-1') ? 'eu-central-1' : 'eu-west-1';
    expect(String(lastLog(result)['hint'])).toContain(`read in region ${region} (from ${from}), and each region holds its own parameters`);
  });

  it('from health-check', async () => {
    clear(fake);
    const result = await run(['health-check', '--json']);
    expect(result.code).toBe(3);
    const readable = (JSON.parse(result.stdout) as { checks: Array<Record<string, string>> }).checks.find((c) => c.check === 'readable');
    expect(readable?.hint).toContain('read in region eu-west-1 (from AWS_REGION (environment))');
  });
});
