import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DescribeParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { isolatedEnv, runCli, type CliResult } from '../support/run-cli';
import { AWS_CLI, awsEnv, CANARY, clear, expectNoLeak, guideHooks, lastLog, PATH, type Scratch } from '../support/toolkit';

let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
});

const cli = (args: string[], options: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<CliResult> =>
  runCli(args, { cwd: dir.dir, env: awsEnv(fake, options.env), input: options.input });

async function describeOne(name: string) {
  const ssm = new SSMClient({ region: 'eu-west-1', endpoint: fake.url, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'x' } });
  try {
    const out = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'Equals', Values: [name] }] }));
    return out.Parameters?.[0];
  } finally {
    ssm.destroy();
  }
}

describe('get', () => {
  it('prints the decrypted value alone, then one newline; -n prints the exact bytes', async () => {
    const full = await cli(['get', `${PATH}MYSQL/PASSWORD`]);
    expect(full.code, full.stderr).toBe(0);
    expect(full.stdout).toBe(`my'sql\n${CANARY}\n`);
    expect(full.stderr).not.toContain(CANARY);
    const exact = await cli(['get', '-n', `${PATH}MYSQL/PASSWORD`]);
    expect(exact.stdout).toBe(`my'sql\n${CANARY}`);
    expect(fake.calls()).toEqual({ GetParameter: 2 });
    expect(fake.decryptions()).toBe(2);
  });

  it('reads a key relative to /<prefix>/<env>/, version and label selectors, and --no-decrypt', async () => {
    expect((await cli(['get', 'MYSQL/HOST'])).stdout).toBe('db.internal\n');
    expect((await cli(['get', 'MYSQL/USER', '--env', 'STAGING', '--prefix', '/ELASMETRICS'])).stdout).toBe('metrics_user\n');
    fake.put(`${PATH}API/TOKEN`, 'token-v2', { type: 'SecureString' });
    fake.put(`${PATH}API/TOKEN`, 'token-v3', { type: 'SecureString' });
    fake.label(`${PATH}API/TOKEN`, 1, ['previous']);
    expect((await cli(['get', `${PATH}API/TOKEN:1`])).stdout).toBe('token-v2\n');
    expect((await cli(['get', `${PATH}API/TOKEN:previous`])).stdout).toBe('token-v2\n');
    expect((await cli(['get', 'API/TOKEN'])).stdout).toBe('token-v3\n');
    const cipher = await cli(['get', '--no-decrypt', 'MYSQL/PASSWORD']);
    expect(cipher.code).toBe(0);
    expectNoLeak(cipher);
    expect(cipher.stdout.trim()).not.toBe('');
    expect(fake.decryptions()).toBe(3);
  });

  it('reads a Secrets Manager secret through its /aws/reference/secretsmanager/ name', async () => {
    fake.putSecret('prod/db', `{"password":"${CANARY}"}`);
    const result = await cli(['get', '/aws/reference/secretsmanager/prod/db']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`{"password":"${CANARY}"}\n`);
    expect(result.stderr).not.toContain(CANARY);
  });

  it('--default answers for a parameter that does not exist', async () => {
    const result = await cli(['get', 'MYSQL/PORT', '--default', '3306']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('3306\n');
  });

  it('--default does not hide an access-denied parameter: exit 3 naming the action and resource', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'access-denied' });
    const result = await cli(['get', 'MYSQL/PASSWORD', '--default', 'fallback']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(lastLog(result)).toMatchObject({ code: 'ACCESS_DENIED', msg: `Access denied: ssm:GetParameter on ${PATH}MYSQL/PASSWORD` });
    expect(String(lastLog(result)['hint'])).toMatch(/arn:aws:ssm:eu-west-1:\*:parameter\/ELASMETRICS\/STAGING\/MYSQL\/PASSWORD.*ssm-render iam-policy/);
    expectNoLeak(result);
  });

  it('--default does not hide a throttled or unreachable Parameter Store either', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'throttle' });
    const throttled = await cli(['get', 'MYSQL/PORT', '--default', 'x']);
    expect(throttled.code).toBe(3);
    expect(lastLog(throttled)['code']).toBe('THROTTLED');
    const unreachable = await cli(['get', 'MYSQL/PORT', '--default', 'x'], { env: { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' } });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stdout).toBe('');
  });

  it('Parameter not found says which path ENV chose and lists the near misses', async () => {
    clear(fake);
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD', `prod-${CANARY}`, { type: 'SecureString' });
    fake.put('/ELASMETRICS/STAGING/mysql/password', `lower-${CANARY}`, { type: 'SecureString' });
    fake.put('/OTHER/STAGING/MYSQL/PASSWORD', 'x', { type: 'String' });
    fake.put('/ELASMETRICS/STAGING/UNRELATED', 'x', { type: 'String' });
    const result = await cli(['get', 'MYSQL/PASSWORD']);
    expect(result.code).toBe(3);
    expectNoLeak(result);
    const log = lastLog(result);
    expect(log).toMatchObject({ code: 'PARAMETER_NOT_FOUND', msg: `Parameter not found: ${PATH}MYSQL/PASSWORD` });
    const hint = String(log['hint']);
    expect(hint).toContain('/ELASMETRICS/STAGING/mysql/password (letter case differs)');
    expect(hint).toContain('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD (ENV=PRODUCTION)');
    expect(hint).toContain('/OTHER/STAGING/MYSQL/PASSWORD (under /OTHER/STAGING/)');
    expect(hint).not.toContain('UNRELATED');
    expect(hint).toMatch(/read \/ELASMETRICS\/STAGING\/ \(ENV=STAGING from ENV \(environment\)\): ENV decides the path/);
    expect(hint.indexOf('letter case')).toBeLessThan(hint.indexOf('ENV=PRODUCTION'));
  });

  it('a near-miss search that is denied or slow never hides the original error', async () => {
    clear(fake);
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD', 'x', { type: 'String' });
    fake.inject({ operation: 'DescribeParameters', kind: 'access-denied' });
    const denied = await cli(['get', 'MYSQL/PASSWORD']);
    expect(denied.code).toBe(3);
    expect(lastLog(denied)).toMatchObject({ code: 'PARAMETER_NOT_FOUND', msg: `Parameter not found: ${PATH}MYSQL/PASSWORD` });
    expect(String(lastLog(denied)['hint'])).not.toContain('similar');
    fake.clearFaults();
    fake.inject({ operation: 'DescribeParameters', kind: 'latency', latencyMs: 8_000 });
    const started = performance.now();
    const slow = await cli(['get', 'MYSQL/PASSWORD']);
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(lastLog(slow)).toMatchObject({ code: 'PARAMETER_NOT_FOUND' });
  });

  it("AWS credentials not found, exit 3 with the guide's hint", async () => {
    const result = await cli(['get', 'MYSQL/PASSWORD'], { env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined } });
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ msg: 'AWS credentials not found', code: 'CREDENTIALS' });
    expect(String(lastLog(result)['hint'])).toMatch(/LOCAL_DEV_MODE=true/);
  });

  it('works on full names with no prefix or env set, and refuses a relative one then', async () => {
    const env = { PARAMETER_STORE_PREFIX: undefined, ENV: undefined };
    expect((await cli(['get', `${PATH}MYSQL/USER`], { env })).stdout).toBe('metrics_user\n');
    const relative = await cli(['get', 'MYSQL/USER'], { env });
    expect(relative.code).toBe(2);
    expect(String(lastLog(relative)['msg'])).toMatch(/`MYSQL\/USER` is a key relative to \/<prefix>\/<env>\//);
  });

  it('refuses a name Parameter Store would reject before any call, exit 2', async () => {
    for (const bad of ['/a b/c', '/ssm/x', 'MYSQL//X']) {
      const result = await cli(['get', bad]);
      expect(result.code, bad).toBe(2);
      expect(String(lastLog(result)['msg'])).toMatch(/cannot be a parameter name/);
    }
    expect(fake.calls()).toEqual({});
  });

  it('in local dev mode, reads the merged local data with no AWS call', async () => {
    const env = { LOCAL_DEV_MODE: 'true', MYSQL_PASSWORD: `local-${CANARY}`, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const found = await cli(['get', 'MYSQL/PASSWORD'], { env });
    expect(found.code, found.stderr).toBe(0);
    expect(found.stdout).toBe(`local-${CANARY}\n`);
    expect((await cli(['get', `${PATH}MYSQL/PASSWORD`], { env })).stdout).toBe(`local-${CANARY}\n`);
    const missing = await cli(['get', 'ES/PASSWORD'], { env });
    expect(missing.code).toBe(3);
    expect(lastLog(missing)['msg']).toBe('Parameter not found in local dev mode: ES/PASSWORD (set ES_PASSWORD)');
    expect((await cli(['get', 'ES/PASSWORD', '--default', 'd'], { env })).stdout).toBe('d\n');
    expect(fake.calls()).toEqual({});
  });
});

describe('put', () => {
  it('reads stdin less one trailing newline; get gives the bytes back, and so does the aws CLI', async () => {
    const input = `line one\n  two\t'"$HOME\\n\n\n${CANARY}\n\n`;
    const put = await cli(['put', 'APP/CERT'], { input });
    expect(put.code, put.stderr).toBe(0);
    expectNoLeak(put);
    expect(put.stdout).toBe(`${PATH}APP/CERT: version 1 (SecureString, Standard tier)\n`);
    expect(fake.value(`${PATH}APP/CERT`)).toBe(input.slice(0, -1));
    const get = await cli(['get', 'APP/CERT']);
    expect(get.stdout).toBe(input);
    const dash = await cli(['put', 'APP/DASH', '-', '--type', 'String'], { input: 'no newline at all' });
    expect(dash.code).toBe(0);
    expect(fake.value(`${PATH}APP/DASH`)).toBe('no newline at all');
    const copy = await cli(['put', 'APP/COPY'], { input: get.stdout });
    expect(copy.code).toBe(0);
    expect(fake.value(`${PATH}APP/COPY`)).toBe(fake.value(`${PATH}APP/CERT`));
    if (AWS_CLI) {
      const home = mkdtempSync(join(tmpdir(), 'toolkit-aws-'));
      const env = isolatedEnv({ AWS_ACCESS_KEY_ID: 'AKIDCLI', AWS_SECRET_ACCESS_KEY: 'x', AWS_DEFAULT_REGION: 'eu-west-1', HOME: home, AWS_PAGER: '' });
      const { stdout } = await promisify(execFile)(
        AWS_CLI,
        ['--endpoint-url', fake.url, '--output', 'json', 'ssm', 'get-parameter', '--with-decryption', '--name', `${PATH}APP/CERT`],
        { env },
      );
      expect((JSON.parse(stdout) as { Parameter: { Value: string; Type: string } }).Parameter).toMatchObject({
        Value: input.slice(0, -1),
        Type: 'SecureString',
      });
    }
  });

  it('defaults to SecureString; --type String and StringList; --description, --key-id and --tier reach Parameter Store', async () => {
    expect((await cli(['put', 'NEW/SECRET'], { input: 'a\n' })).code).toBe(0);
    expect((await cli(['put', 'NEW/PLAIN', 'plain', '--type', 'String', '--description', 'a plain one'])).code).toBe(0);
    expect((await cli(['put', 'NEW/LIST', 'a,b', '--type', 'StringList'])).code).toBe(0);
    const cmk = await cli(['put', 'NEW/CMK', '--key-id', 'alias/app', '--tier', 'Advanced'], { input: 'x\n' });
    expect(cmk.stdout).toBe(`${PATH}NEW/CMK: version 1 (SecureString, Advanced tier)\n`);
    expect(await describeOne(`${PATH}NEW/SECRET`)).toMatchObject({ Type: 'SecureString', KeyId: 'alias/aws/ssm' });
    expect(await describeOne(`${PATH}NEW/PLAIN`)).toMatchObject({ Type: 'String', Description: 'a plain one' });
    expect(await describeOne(`${PATH}NEW/LIST`)).toMatchObject({ Type: 'StringList' });
    expect(await describeOne(`${PATH}NEW/CMK`)).toMatchObject({ Type: 'SecureString', KeyId: 'alias/app', Tier: 'Advanced' });
  });

  it('refuses to replace an existing parameter without --overwrite; with it, keeps the type unless --type', async () => {
    const refused = await cli(['put', 'MYSQL/HOST', 'db2'], {});
    expect(refused.code).toBe(3);
    expect(lastLog(refused)).toMatchObject({ code: 'PARAMETER_EXISTS', msg: `Parameter ${PATH}MYSQL/HOST already exists` });
    expect(String(lastLog(refused)['hint'])).toMatch(/--overwrite/);
    expect(fake.value(`${PATH}MYSQL/HOST`)).toBe('db.internal');
    const replaced = await cli(['put', 'MYSQL/HOST', '--overwrite'], { input: 'db2.internal\n' });
    expect(replaced.stdout).toBe(`${PATH}MYSQL/HOST: version 2 (type kept, Standard tier)\n`);
    expect(await describeOne(`${PATH}MYSQL/HOST`)).toMatchObject({ Type: 'String', Version: 2 });
    expect(fake.value(`${PATH}MYSQL/HOST`)).toBe('db2.internal');
    const created = await cli(['put', 'BRAND/NEW', '--overwrite'], { input: 'v\n' });
    expect(created.code, created.stderr).toBe(0);
    expect(await describeOne(`${PATH}BRAND/NEW`)).toMatchObject({ Type: 'SecureString' });
    await cli(['put', 'MYSQL/HOST', '--overwrite', '--type', 'SecureString'], { input: 'db3\n' });
    expect(await describeOne(`${PATH}MYSQL/HOST`)).toMatchObject({ Type: 'SecureString', Version: 3 });
  });

  it('warns when a SecureString value is on the command line, never echoing it', async () => {
    const result = await cli(['put', 'ARG/SECRET', `arg-${CANARY}`]);
    expect(result.code).toBe(0);
    expectNoLeak(result);
    expect(result.logs.some((l) => l['level'] === 'warn' && /shell history/.test(String(l['msg'])))).toBe(true);
    const plain = await cli(['put', 'ARG/PLAIN', 'plain', '--type', 'String']);
    expect(plain.logs.filter((l) => l['level'] === 'warn')).toEqual([]);
  });

  it('a value too long for its tier is exit 2 with the tier hint, and the value is never printed', async () => {
    const result = await cli(['put', 'BIG/VALUE', '--tier', 'Standard'], { input: `${CANARY}${'x'.repeat(5000)}\n` });
    expect(result.code).toBe(2);
    expectNoLeak(result);
    expect(lastLog(result)).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(String(lastLog(result)['hint'])).toMatch(/--tier Advanced/);
    const advanced = await cli(['put', 'BIG/VALUE', '--tier', 'Advanced'], { input: `${CANARY}${'x'.repeat(5000)}\n` });
    expect(advanced.code, advanced.stderr).toBe(0);
  });

  it('refuses bad input before calling AWS: empty value, bad type, --key-id on a String, a selector, local dev mode', async () => {
    const cases: Array<[string[], string | undefined, Record<string, string>, RegExp]> = [
      [['put', 'E/EMPTY'], '\n', {}, /The value for .*E\/EMPTY is empty/],
      [['put', 'E/T', 'v', '--type', 'securestring'], undefined, {}, /Expected `--type` to be one of String, StringList, SecureString, got `securestring`/],
      [['put', 'E/K', 'v', '--type', 'String', '--key-id', 'alias/x'], undefined, {}, /`--key-id` applies to SecureString/],
      [['put', 'E/S:3', 'v'], undefined, {}, /cannot carry a `:version`/],
      [['put', 'E/TIER', 'v', '--tier', 'Gold'], undefined, {}, /Expected `--tier`/],
      [
        ['put', 'E/L', 'v'],
        undefined,
        { LOCAL_DEV_MODE: 'true' },
        /`put` writes to Parameter Store, but local dev mode is on \(from LOCAL_DEV_MODE \(environment\)\)/,
      ],
    ];
    for (const [args, input, env, message] of cases) {
      const result = await cli(args, { input, env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(String(lastLog(result)['msg'])).toMatch(message);
    }
    expect(fake.calls()).toEqual({});
  });

  it('Access Denied on a write points to iam-policy --read-write', async () => {
    fake.inject({ operation: 'PutParameter', kind: 'access-denied' });
    const result = await cli(['put', 'DENIED/X'], { input: `${CANARY}\n` });
    expect(result.code).toBe(3);
    expectNoLeak(result);
    expect(lastLog(result)).toMatchObject({ code: 'ACCESS_DENIED', msg: `Access denied: ssm:PutParameter on ${PATH}DENIED/X` });
    expect(String(lastLog(result)['hint'])).toMatch(/ssm-render iam-policy --read-write/);
  });
});

describe('delete', () => {
  it('refuses without --yes when standard input is not a terminal, exit 2, nothing deleted', async () => {
    const result = await cli(['delete', 'MYSQL/HOST']);
    expect(result.code).toBe(2);
    expect(lastLog(result)).toMatchObject({ code: 'NOT_CONFIRMED' });
    expect(String(lastLog(result)['hint'])).toMatch(/--yes/);
    expect(fake.value(`${PATH}MYSQL/HOST`)).toBe('db.internal');
    expect(fake.calls()).toEqual({});
  });

  it('deletes with --yes; a missing one is Parameter not found with near misses', async () => {
    const result = await cli(['delete', '--yes', 'MYSQL/HOST']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`deleted ${PATH}MYSQL/HOST\n`);
    expect(fake.value(`${PATH}MYSQL/HOST`)).toBeUndefined();
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/HOST', 'prod', { type: 'String' });
    const missing = await cli(['delete', '-y', 'MYSQL/HOST']);
    expect(missing.code).toBe(3);
    expect(lastLog(missing)).toMatchObject({ code: 'PARAMETER_NOT_FOUND', msg: `Parameter not found: ${PATH}MYSQL/HOST` });
    expect(String(lastLog(missing)['hint'])).toContain('/ELASMETRICS/PRODUCTION/MYSQL/HOST (ENV=PRODUCTION)');
    expect(String(lastLog(missing)['hint'])).toMatch(/; `ssm-render ls MYSQL` lists the names there$/);
    expect(String(lastLog(missing)['hint'])).not.toContain('ssm-render put');
  });

  it('a missing name outside /<prefix>/<env>/ or at its top: the hint says which `ls` finds the real name', async () => {
    const top = await cli(['delete', '-y', 'NO_SUCH']);
    expect(top.code).toBe(3);
    expect(String(lastLog(top)['hint'])).toMatch(/check ENV and PARAMETER_STORE_PREFIX \(names are case-sensitive\); `ssm-render ls` lists the names there$/);
    const outside = await cli(['delete', '-y', '/OTHER/APP/KEY']);
    expect(outside.code).toBe(3);
    expect(String(lastLog(outside)['hint'])).toMatch(/; `ssm-render ls \/OTHER\/APP\/` lists the names there$/);
    const get = await cli(['get', 'MYSQL/NO_SUCH']);
    expect(String(lastLog(get)['hint'])).toMatch(/or create it with `ssm-render put`$/);
  });

  it('Access Denied names ssm:DeleteParameter and the resource', async () => {
    fake.inject({ operation: 'DeleteParameter', kind: 'access-denied' });
    const result = await cli(['delete', '--yes', 'MYSQL/HOST']);
    expect(result.code).toBe(3);
    expect(lastLog(result)).toMatchObject({ code: 'ACCESS_DENIED', msg: `Access denied: ssm:DeleteParameter on ${PATH}MYSQL/HOST` });
    expect(String(lastLog(result)['hint'])).toMatch(/parameter\/ELASMETRICS\/STAGING\/MYSQL\/HOST.*iam-policy --read-write/);
  });
});
