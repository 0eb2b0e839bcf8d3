import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, CANARY, clear, expectNoLeak, guideHooks, lastLog, PATH, type Scratch } from '../support/toolkit';

let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
  for (let i = 0; i < 23; i++) fake.put(`${PATH}TOP${String(i).padStart(2, '0')}`, `top-${i}-${CANARY}`, { type: i % 2 ? 'SecureString' : 'String' });
  fake.setOptions({ pageSize: 10 });
});

const ls = (args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> =>
  runCli(['ls', ...args], { cwd: dir.dir, env: awsEnv(fake, env) });

const rows = (r: CliResult) => r.stdout.trimEnd().split('\n');

describe('ls', () => {
  it('lists /<prefix>/<env>/ one level down as a table, sub-paths as rows, no values, nothing decrypted', async () => {
    const result = await ls([]);
    expect(result.code, result.stderr).toBe(0);
    expectNoLeak(result);
    const lines = rows(result);
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+VERSION\s+LAST MODIFIED$/);
    expect(lines).toHaveLength(1 + 23 + 2);
    expect(lines[1]).toMatch(/^\/ELASMETRICS\/STAGING\/TOP00\s+String\s+1\s+\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines[2]).toMatch(/^\/ELASMETRICS\/STAGING\/TOP01\s+SecureString\s+1\s+/);
    expect(lines.slice(-2)).toEqual([
      expect.stringMatching(/^\/ELASMETRICS\/STAGING\/ELASTICSEARCH\/\s+path\s+-\s+-$/),
      expect.stringMatching(/^\/ELASMETRICS\/STAGING\/MYSQL\/\s+path/),
    ]);
    expect(fake.calls()).toEqual({ GetParametersByPath: 3 });
    expect(fake.decryptions()).toBe(0);
  });

  it('--recursive lists every level; --show-values prints values, control characters JSON-quoted', async () => {
    const result = await ls(['--recursive', '--show-values']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain(CANARY);
    const lines = rows(result);
    expect(lines[0]).toMatch(/^NAME\s+TYPE\s+VERSION\s+LAST MODIFIED\s+VALUE$/);
    expect(lines).toHaveLength(1 + 23 + 5);
    expect(lines.find((l) => l.includes('MYSQL/PASSWORD'))).toMatch(/SecureString\s+1\s+\S+\s+"my'sql\\nCANARY-4d2e-toolkit-secret"$/);
    expect(lines.find((l) => l.includes('MYSQL/HOST'))).toMatch(/\s+db\.internal$/);
    expect(fake.decryptions()).toBe(2 + 11);
  });

  it('--show-values without --recursive decrypts only the rows shown', async () => {
    const result = await ls(['--show-values']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`top-1-${CANARY}`);
    expect(result.stdout).not.toContain('db.internal');
    expect(fake.decryptions()).toBe(11);
  });

  it('a relative PATH is under /<prefix>/<env>/; --format json lists metadata, values only when asked', async () => {
    const result = await ls(['MYSQL', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expectNoLeak(result);
    const list = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(list.map((i) => i['key'])).toEqual(['HOST', 'PASSWORD', 'USER']);
    expect(list[1]).toMatchObject({ name: `${PATH}MYSQL/PASSWORD`, type: 'SecureString', version: 1, lastModified: expect.stringMatching(/Z$/) });
    expect(list[1]).not.toHaveProperty('value');
    const shown = JSON.parse((await ls([`${PATH}MYSQL/`, '--format', 'json', '--show-values'])).stdout) as Array<Record<string, unknown>>;
    expect(shown[1]?.['value']).toBe(`my'sql\n${CANARY}`);
  });

  it('--format dotenv and yaml use the render formats: masked, or read back exactly by their parsers', async () => {
    const masked = await ls(['--recursive', '--format', 'dotenv']);
    expectNoLeak(masked);
    expect(parseDotenv(masked.stdout)['MYSQL_PASSWORD']).toBe('********');
    const env = parseDotenv((await ls(['--recursive', '--format', 'dotenv', '--show-values'])).stdout);
    expect(env['MYSQL_PASSWORD']).toBe(`my'sql\n${CANARY}`);
    expect(Object.keys(env)).toHaveLength(28);
    const yaml = parseYaml((await ls(['--recursive', '--format', 'yaml', '--show-values'])).stdout) as { MYSQL: Record<string, string> };
    expect(yaml.MYSQL).toEqual({ HOST: 'db.internal', PASSWORD: `my'sql\n${CANARY}`, USER: 'metrics_user' });
    const maskedYaml = await ls(['ELASTICSEARCH', '--format', 'yaml']);
    expectNoLeak(maskedYaml);
    expect(parseYaml(maskedYaml.stdout)).toEqual({ PASSWORD: '********', USERNAME: '********' });
  });

  it('an empty path is Parameter not found naming the ENV, with the envs that do hold parameters', async () => {
    clear(fake);
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD', 'x', { type: 'SecureString' });
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/USER', 'x', { type: 'String' });
    fake.put('/ELASMETRICS/staging/MYSQL/USER', 'x', { type: 'String' });
    const result = await ls([]);
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({
      code: 'PARAMETER_NOT_FOUND',
      msg: 'Parameter not found: nothing under /ELASMETRICS/STAGING/ (ENV=STAGING from ENV (environment))',
    });
    const hint = String(lastLog(result)['hint']);
    expect(hint).toContain('/ELASMETRICS/PRODUCTION/ (ENV=PRODUCTION: 2 parameters)');
    expect(hint).toContain('/ELASMETRICS/staging/ (ENV=staging, letter case differs: 1 parameter)');
  });

  it('an empty sub-path: the env holding parameters is named without "letter case differs" when the case is the same', async () => {
    clear(fake);
    fake.put(`${PATH}MYSQL/USER`, 'x', { type: 'String' });
    fake.put('/ELASMETRICS/Staging/MYSQL/USER', 'x', { type: 'String' });
    const result = await ls(['REDIS']);
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'PARAMETER_NOT_FOUND', msg: 'Parameter not found: nothing under /ELASMETRICS/STAGING/REDIS/' });
    const hint = String(lastLog(result)['hint']);
    expect(hint).toContain('/ELASMETRICS/STAGING/ (ENV=STAGING: 1 parameter)');
    expect(hint).toContain('/ELASMETRICS/Staging/ (ENV=Staging, letter case differs: 1 parameter)');
    expect(hint.match(/letter case differs/g)).toHaveLength(1);
  });

  it('Access Denied names ssm:GetParametersByPath on the path', async () => {
    fake.inject({ operation: 'GetParametersByPath', kind: 'access-denied' });
    const result = await ls([]);
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'ACCESS_DENIED', msg: `Access denied: ssm:GetParametersByPath on ${PATH}` });
    expect(lastLog(result)['hint']).toBe(
      'allow ssm:GetParametersByPath on arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING for this role; `ssm-render iam-policy` prints the least-privilege policy',
    );
  });

  it('the Access Denied hint names a resource that `iam-policy` allows, as AWS authorises it (GetParametersByPath: the path itself)', async () => {
    const policy = await runCli(['iam-policy'], { cwd: dir.dir, env: awsEnv(fake) });
    expect(policy.code, policy.stderr).toBe(0);
    const read = (JSON.parse(policy.stdout) as { Statement: Array<{ Action: string[]; Resource: string[] }> }).Statement.find((s) =>
      s.Action.includes('ssm:GetParametersByPath'),
    );
    // IAM's own matching: `*` any run of characters, `?` one.
    const allows = (arn: string) =>
      (read?.Resource ?? []).filter((r) =>
        new RegExp(
          `^${r
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '.*')
            .replace(/\?/g, '.')}$`,
        ).test(arn),
      );
    const denied = async (args: string[], operation: string) => {
      fake.inject({ operation, kind: 'access-denied' });
      const result = await runCli(args, { cwd: dir.dir, env: awsEnv(fake) });
      fake.clearFaults();
      expect(result.code).toBe(3);
      return /^allow ssm:\w+ on (\S+) for this role/.exec(String(lastLog(result)['hint']))?.[1] ?? '';
    };
    // AWS authorises a call on one parameter or path, never a pattern: the hint names it (the account is unknown: `*`).
    const path = await denied(['ls'], 'GetParametersByPath');
    expect(path.split(':parameter/')[1]).toBe('ELASMETRICS/STAGING');
    expect(read?.Resource).toContain(path);
    expect(allows(await denied(['ls', 'MYSQL'], 'GetParametersByPath'))).toEqual(['arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING/*']);
    expect(allows(await denied(['get', 'MYSQL/PASSWORD'], 'GetParameter'))).toEqual(['arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING/*']);
  });

  it('refuses an unknown format and a bad path, exit 2', async () => {
    expect((await ls(['--format', 'xml'])).code).toBe(2);
    const bad = await ls(['/a b/']);
    expect(bad.code).toBe(2);
    expect(String(lastLog(bad)['msg'])).toMatch(/cannot be a parameter path/);
  });

  it('in local dev mode lists the merged local data and where each value came from, with no AWS call', async () => {
    dir.write('ssm-render.yaml', 'required: [MYSQL/PASSWORD]\ndefaults:\n  values: { MYSQL: { HOST: localhost, USER: dev } }\n');
    const env = { LOCAL_DEV_MODE: 'true', MYSQL_PASSWORD: `local-${CANARY}`, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const result = await ls(['MYSQL'], env);
    expect(result.code, result.stderr).toBe(0);
    expectNoLeak(result);
    expect(rows(result)).toEqual([
      expect.stringMatching(/^KEY\s+TYPE\s+FROM$/),
      expect.stringMatching(/^MYSQL\/HOST\s+String\s+`defaults.values` \(defaults\)$/),
      expect.stringMatching(/^MYSQL\/PASSWORD\s+String\s+MYSQL_PASSWORD \(environment\)$/),
      expect.stringMatching(/^MYSQL\/USER\s+String/),
    ]);
    const shown = JSON.parse((await ls(['--recursive', '--format', 'json', '--show-values'], env)).stdout) as Array<Record<string, unknown>>;
    expect(shown.find((i) => i['key'] === 'MYSQL/PASSWORD')).toMatchObject({ value: `local-${CANARY}`, from: 'MYSQL_PASSWORD (environment)' });
    expect(fake.calls()).toEqual({});
  });
});
