import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, CANARY, clear, expectNoLeak, guideHooks, PATH, type Scratch } from '../support/toolkit';

interface Report {
  ok: boolean;
  exitCode: number;
  local: boolean;
  settings: Array<{ name: string; value: string; from: string }>;
  checks: Array<{ check: string; status: string; detail: string; key?: string; hint?: string; code?: string }>;
}

let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
  dir.write('ssm-render.yaml', 'prefix: /ELASMETRICS\nrequired: [ELASTICSEARCH/PASSWORD, MYSQL/PASSWORD, MYSQL/USER]\n');
});

async function check(env: Record<string, string | undefined> = {}, args: string[] = ['--json']): Promise<{ result: CliResult; report: Report }> {
  const result = await runCli(['health-check', ...args], { cwd: dir.dir, env: awsEnv(fake, { PARAMETER_STORE_PREFIX: undefined, ...env }) });
  expectNoLeak(result);
  return { result, report: (args.includes('--json') ? JSON.parse(result.stdout) : undefined) as Report };
}

const byCheck = (report: Report, name: string) => report.checks.filter((c) => c.check === name);

/** A one-route HTTP server on 127.0.0.1 answering every request with `body`. */
async function serve(contentType: string, body: string): Promise<{ url: string; server: Server; hits: () => number }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits += 1;
    res.writeHead(200, { 'Content-Type': contentType });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, hits: () => hits };
}

describe('health-check', () => {
  it('passes, exit 0: region, endpoint, path, credentials kind, readable path, each required key decrypting', async () => {
    const { result, report } = await check();
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.check, c.status])).toEqual([
      ['region', 'ok'],
      ['endpoint', 'ok'],
      ['path', 'ok'],
      ['credentials', 'ok'],
      ['readable', 'ok'],
      ['required', 'ok'],
      ['required', 'ok'],
      ['required', 'ok'],
    ]);
    expect(byCheck(report, 'region')[0]?.detail).toBe('eu-west-1 (from AWS_REGION (environment))');
    expect(byCheck(report, 'endpoint')[0]?.detail).toBe(`${fake.url} (from AWS_ENDPOINT_URL (environment))`);
    expect(byCheck(report, 'credentials')[0]?.detail).toBe('found: environment variables (AWS_ACCESS_KEY_ID)');
    expect(byCheck(report, 'readable')[0]?.detail).toBe(`${PATH}: 5 parameters (listed without decryption)`);
    expect(byCheck(report, 'required').map((c) => c.detail)).toEqual([
      'ELASTICSEARCH/PASSWORD: present (SecureString, decrypts)',
      'MYSQL/PASSWORD: present (SecureString, decrypts)',
      'MYSQL/USER: present (String)',
    ]);
    expect(result.stdout).not.toContain('AKIDTOOLKIT');
    expect(fake.decryptions()).toBe(2);
  });

  it("shows the guide's debug view: each setting as resolved and where it came from", async () => {
    dir.write('.env', 'ENV=STAGING\nUSE_PARAMETER_STORE=true\n');
    dir.write('.env.staging', 'LOCAL_DEV_MODE=false\n');
    const { report } = await check({ ENV: undefined });
    const settings = Object.fromEntries(report.settings.map((s) => [s.name, [s.value, s.from]]));
    expect(settings['USE_PARAMETER_STORE']).toEqual(['true', 'USE_PARAMETER_STORE (.env)']);
    expect(settings['LOCAL_DEV_MODE']).toEqual(['false', 'LOCAL_DEV_MODE (.env.staging)']);
    expect(settings['ENV']).toEqual(['STAGING', 'ENV (.env)']);
    expect(settings['AWS_REGION']).toEqual(['eu-west-1', 'AWS_REGION (environment)']);
    expect(settings['PARAMETER_STORE_PREFIX']?.[1]).toMatch(/^prefix \(config file .*ssm-render\.yaml\)$/);
    const text = await runCli(['health-check', '--env', 'STAGING'], { cwd: dir.dir, env: awsEnv(fake, { ENV: undefined, PARAMETER_STORE_PREFIX: undefined }) });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^settings:\n {2}USE_PARAMETER_STORE\s+true\s+USE_PARAMETER_STORE \(\.env\)\n/);
    expect(text.stdout).toMatch(/\n {2}ENV\s+STAGING\s+--env\n/);
    expect(text.stdout).toMatch(/\n {2}ok {4}credentials\s+found: environment variables \(AWS_ACCESS_KEY_ID\)\n/);
    expect(text.stdout).toMatch(/\nhealthy: all 8 checks passed\n$/);
  });

  it('AWS credentials not found: exit 3, the checks that need them are not run', async () => {
    const { result, report } = await check({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined });
    expect(result.code).toBe(3);
    expect(report.checks.at(-1)).toMatchObject({ check: 'credentials', status: 'fail', detail: 'AWS credentials not found', code: 'CREDENTIALS' });
    expect(report.checks.at(-1)?.hint).toMatch(/LOCAL_DEV_MODE=true/);
    expect(fake.calls()).toEqual({});
  });

  it('no region is a configuration failure, exit 2', async () => {
    const { result, report } = await check({ AWS_REGION: undefined });
    expect(result.code).toBe(2);
    expect(report.checks).toEqual([expect.objectContaining({ check: 'region', status: 'fail', detail: 'No AWS region is set' })]);
    expect(report.settings.find((s) => s.name === 'AWS_REGION')).toMatchObject({ value: '(not set)' });
  });

  it('no prefix is a configuration failure, exit 2', async () => {
    dir.write('ssm-render.yaml', 'required: [MYSQL/PASSWORD]\n');
    const { result, report } = await check();
    expect(result.code).toBe(2);
    expect(byCheck(report, 'path')[0]).toMatchObject({ status: 'fail', detail: 'No Parameter Store path: the prefix or the env is not set' });
  });

  it('a missing required parameter fails with the full name and the near misses, exit 3', async () => {
    fake.delete(`${PATH}MYSQL/PASSWORD`);
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD', 'x', { type: 'SecureString' });
    const { result, report } = await check();
    expect(result.code).toBe(3);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed).toEqual([
      expect.objectContaining({
        check: 'required',
        key: 'MYSQL/PASSWORD',
        detail: `MYSQL/PASSWORD: missing (${PATH}MYSQL/PASSWORD)`,
        code: 'PARAMETER_NOT_FOUND',
      }),
    ]);
    expect(failed[0]?.hint).toMatch(
      /^similar names exist: \/ELASMETRICS\/PRODUCTION\/MYSQL\/PASSWORD \(ENV=PRODUCTION\); read \/ELASMETRICS\/STAGING\/ \(ENV=STAGING from ENV \(environment\)\)/,
    );
    const text = await runCli(['health-check'], { cwd: dir.dir, env: awsEnv(fake, { PARAMETER_STORE_PREFIX: undefined }) });
    expect(text.stdout).toMatch(/\n {2}FAIL {2}required\s+MYSQL\/PASSWORD: missing \(\/ELASMETRICS\/STAGING\/MYSQL\/PASSWORD\)\n\s+hint: similar names exist/);
    expect(text.stdout).toMatch(/\nunhealthy: 1 of 8 checks failed \(exit 3\)\n$/);
  });

  it('a required SecureString KMS will not decrypt is "present but cannot be decrypted", naming the key', async () => {
    fake.inject({ name: `${PATH}ELASTICSEARCH/PASSWORD`, kind: 'kms-denied' });
    const { result, report } = await check();
    expect(result.code).toBe(3);
    const es = byCheck(report, 'required')[0];
    expect(es).toMatchObject({ status: 'fail', code: 'KMS_ACCESS_DENIED' });
    expect(es?.detail).toMatch(
      /^ELASTICSEARCH\/PASSWORD: present but cannot be decrypted \(KMS refused to decrypt a SecureString in \/ELASMETRICS\/STAGING\/ELASTICSEARCH\/PASSWORD \(key arn:aws:kms:/,
    );
    expect(es?.hint).toMatch(/kms:ViaService = ssm\.eu-west-1\.amazonaws\.com/);
    expect(byCheck(report, 'required')[1]?.status).toBe('ok');
  });

  it('a path it may not read fails with the action and resource, and the required keys are skipped', async () => {
    fake.inject({ operation: 'GetParametersByPath', kind: 'access-denied' });
    const { result, report } = await check();
    expect(result.code).toBe(3);
    expect(byCheck(report, 'readable')[0]).toMatchObject({
      status: 'fail',
      code: 'ACCESS_DENIED',
      detail: `Access denied: ssm:GetParametersByPath on ${PATH}`,
    });
    expect(byCheck(report, 'readable')[0]?.hint).toMatch(/iam-policy/);
    expect(byCheck(report, 'required').map((c) => c.status)).toEqual(['skip', 'skip', 'skip']);
  });

  it('an unreachable Parameter Store fails the readable check with its cause, exit 3', async () => {
    const { result, report } = await check({ AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' });
    expect(result.code).toBe(3);
    expect(byCheck(report, 'endpoint')[0]?.detail).toBe('http://127.0.0.1:9 (from AWS_ENDPOINT_URL (environment))');
    expect(byCheck(report, 'readable')[0]).toMatchObject({
      status: 'fail',
      code: 'SERVICE_UNAVAILABLE',
      detail: 'Cannot reach Parameter Store for GetParametersByPath (ECONNREFUSED)',
    });
  });

  it('an empty path fails as Parameter not found, with the envs that hold parameters', async () => {
    clear(fake);
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD', 'x', { type: 'SecureString' });
    const { result, report } = await check();
    expect(result.code).toBe(3);
    expect(byCheck(report, 'readable')[0]).toMatchObject({
      status: 'fail',
      detail: 'Parameter not found: nothing under /ELASMETRICS/STAGING/ (ENV=STAGING from ENV (environment))',
    });
    expect(byCheck(report, 'readable')[0]?.hint).toContain('/ELASMETRICS/PRODUCTION/ (ENV=PRODUCTION: 1 parameter)');
  });

  it('checks named parameters too, Secrets Manager references included', async () => {
    fake.putSecret('prod/db', `{"password":"${CANARY}"}`);
    dir.write('ssm-render.yaml', 'prefix: /ELASMETRICS\nparameters:\n  DB: /aws/reference/secretsmanager/prod/db\n  GONE: /shared/gone\n');
    const { result, report } = await check();
    expect(result.code).toBe(3);
    expect(byCheck(report, 'parameters').map((c) => [c.key, c.status, c.detail])).toEqual([
      ['DB', 'ok', 'DB: present (SecureString, decrypts)'],
      ['GONE', 'fail', 'GONE: missing (/shared/gone)'],
    ]);
  });

  it('names the kind of credentials: a profile, container credentials, a web identity token; never a key', async () => {
    const creds = dir.write('aws/credentials', '[dev]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n');
    const profile = await check({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_SHARED_CREDENTIALS_FILE: creds, AWS_PROFILE: 'dev' });
    expect(profile.result.code).toBe(0);
    expect(byCheck(profile.report, 'credentials')[0]?.detail).toBe('found: shared credentials profile `dev`');
    expect(profile.result.stdout).not.toMatch(/AKIDPROFILE|profile-secret/);

    const expiration = new Date(Date.now() + 3_600_000).toISOString();
    const container = await serve(
      'application/json',
      JSON.stringify({ AccessKeyId: 'ASIACONTAINER', SecretAccessKey: 'c-secret', Token: 'c-token', Expiration: expiration }),
    );
    try {
      const ecs = await check({ AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, AWS_CONTAINER_CREDENTIALS_FULL_URI: `${container.url}/creds` });
      expect(ecs.result.code, ecs.result.stdout).toBe(0);
      expect(byCheck(ecs.report, 'credentials')[0]?.detail).toBe(
        'found: container credentials (ECS task role or EKS Pod Identity: AWS_CONTAINER_CREDENTIALS_FULL_URI)',
      );
      expect(ecs.result.stdout).not.toMatch(/ASIACONTAINER|c-secret|c-token/);
      expect(container.hits()).toBeGreaterThan(0);
    } finally {
      container.server.close();
    }

    const sts = await serve(
      'text/xml',
      `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAWEBID</AccessKeyId><SecretAccessKey>w-secret</SecretAccessKey><SessionToken>w-token</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/app/s</Arn><AssumedRoleId>AROAEXAMPLE:s</AssumedRoleId></AssumedRoleUser></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>`,
    );
    try {
      const token = dir.write('token', 'eyJ.web.identity');
      const irsa = await check({
        AWS_ACCESS_KEY_ID: undefined,
        AWS_SECRET_ACCESS_KEY: undefined,
        AWS_WEB_IDENTITY_TOKEN_FILE: token,
        AWS_ROLE_ARN: 'arn:aws:iam::123456789012:role/app',
        AWS_ENDPOINT_URL: undefined,
        AWS_ENDPOINT_URL_SSM: fake.url,
        AWS_ENDPOINT_URL_STS: sts.url,
      });
      expect(irsa.result.code, irsa.result.stdout + irsa.result.stderr).toBe(0);
      expect(byCheck(irsa.report, 'credentials')[0]?.detail).toBe('found: web identity token (IRSA: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)');
      expect(irsa.result.stdout).not.toMatch(/ASIAWEBID|w-secret|w-token|eyJ/);
      expect(fake.requests().some((r) => r.accessKeyId === 'ASIAWEBID')).toBe(true);
    } finally {
      sts.server.close();
    }
  });

  it('in local dev mode checks the local values only, with no AWS call', async () => {
    dir.write('ssm-render.yaml', 'required: [MYSQL/PASSWORD, ELASTICSEARCH/PASSWORD]\naliases: { ELASTICSEARCH/PASSWORD: ES_PASSWORD }\n');
    const env = { LOCAL_DEV_MODE: 'true', MYSQL_PASSWORD: `local-${CANARY}`, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const { result, report } = await check(env);
    expect(result.code).toBe(3);
    expect(report.local).toBe(true);
    expect(report.checks.map((c) => [c.check, c.status, c.detail])).toEqual([
      ['mode', 'ok', 'local dev mode (from LOCAL_DEV_MODE (environment)): no AWS call, no credentials needed'],
      ['required', 'ok', 'MYSQL/PASSWORD: present'],
      ['required', 'fail', 'ELASTICSEARCH/PASSWORD: missing (set ELASTICSEARCH_PASSWORD or ES_PASSWORD)'],
    ]);
    expect((await check({ ...env, ES_PASSWORD: 'x' })).result.code).toBe(0);
    expect(fake.calls()).toEqual({});
  });
});
