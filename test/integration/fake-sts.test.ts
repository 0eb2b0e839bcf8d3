import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GetParameterCommand, GetParametersByPathCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm, type RoleOptions } from '../support/fake-ssm';

const ROLE = 'arn:aws:iam::111111111111:role/ssm-render-reader';
const CALLER = 'AKIDCALLER';
const CANARY = 'CANARY-5d0e-sts-secret';
const denied = (role: string, who = 'arn:aws:iam::123456789012:user/fake-ssm') =>
  `User: ${who} is not authorized to perform: sts:AssumeRole on resource: ${role}`;

let fake: FakeSsm;

// A fresh fake per test: roles, issued credentials and key restrictions are state, not counters.
beforeEach(async () => {
  fake = await startFakeSsm();
  fake.addRole(ROLE, { trustedAccessKeys: [CALLER], externalId: 'elasmetrics' });
});
afterEach(() => fake.close());

interface CaughtError extends Error {
  code?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
  Code?: string;
  Type?: string;
}

async function failure(promise: Promise<unknown>): Promise<CaughtError> {
  try {
    await promise;
  } catch (error) {
    return error as CaughtError;
  }
  throw new Error('expected the call to fail');
}

const sigv4 = (key: string, service: string) =>
  `AWS4-HMAC-SHA256 Credential=${key}/20240101/us-east-1/${service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'0'.repeat(64)}`;

async function query(params: Record<string, string>, authorization: string | null = sigv4(CALLER, 'sts')) {
  const response = await fetch(fake.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8', ...(authorization === null ? {} : { Authorization: authorization }) },
    body: new URLSearchParams({ Version: '2011-06-15', ...params }).toString(),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const tag = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];

/** An SSM client whose credentials come from fromTemporaryCredentials, as the product will build it. */
function assumingClient(params: { RoleArn?: string; ExternalId?: string; RoleSessionName?: string } = {}, sts: { endpoint?: string; key?: string } = {}) {
  const credentials = fromTemporaryCredentials({
    params: { RoleArn: ROLE, RoleSessionName: 'ssm-render-host', ExternalId: 'elasmetrics', ...params },
    masterCredentials: { accessKeyId: sts.key ?? CALLER, secretAccessKey: 'caller-secret' },
    clientConfig: { region: 'eu-west-1', ...(sts.endpoint === undefined ? { endpoint: fake.url } : sts.endpoint === '' ? {} : { endpoint: sts.endpoint }) },
  });
  return new SSMClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 1 });
}

const ownClient = (key = CALLER) =>
  new SSMClient({ region: 'eu-west-1', endpoint: fake.url, credentials: { accessKeyId: key, secretAccessKey: 'x' }, maxAttempts: 1 });

const signers = (operation: string) =>
  fake
    .requests()
    .filter((r) => r.operation === operation)
    .map((r) => r.accessKeyId);

describe('STS AssumeRole on the wire (AWS Query protocol, XML)', () => {
  it('answers with the shape of botocore sts/2011-06-15: credentials, the assumed role, the request id', async () => {
    const before = Date.now();
    const response = await query({
      Action: 'AssumeRole',
      RoleArn: ROLE,
      RoleSessionName: 'ssm-render-host',
      ExternalId: 'elasmetrics',
      DurationSeconds: '900',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect(response.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<AssumeRoleResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/">/);
    expect(response.text).toMatch(/<AssumeRoleResult>[\s\S]*<Credentials>[\s\S]*<\/Credentials>[\s\S]*<\/AssumeRoleResult>/);
    expect(tag(response.text, 'AccessKeyId')).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(tag(response.text, 'SecretAccessKey')).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(tag(response.text, 'SessionToken')?.length).toBeGreaterThan(200);
    const expiration = tag(response.text, 'Expiration') ?? '';
    expect(expiration).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(expiration) - before).toBeGreaterThan(899_000);
    expect(Date.parse(expiration) - Date.now()).toBeLessThanOrEqual(900_000);
    expect(tag(response.text, 'Arn')).toBe('arn:aws:sts::111111111111:assumed-role/ssm-render-reader/ssm-render-host');
    expect(tag(response.text, 'AssumedRoleId')).toMatch(/^AROA[A-Z2-7]{17}:ssm-render-host$/);
    expect(tag(response.text, 'RequestId')).toBe(response.headers.get('x-amzn-requestid'));
    expect(fake.issuedCredentials()).toContainEqual({
      accessKeyId: tag(response.text, 'AccessKeyId'),
      roleArn: ROLE,
      sessionName: 'ssm-render-host',
      externalId: 'elasmetrics',
      expiration: new Date(expiration).toISOString(),
    });
    expect(fake.requests()).toEqual([{ operation: 'AssumeRole', accessKeyId: CALLER, region: 'us-east-1', resources: [ROLE], at: expect.any(Number) }]);
  });

  it('refuses as AWS does: an ErrorResponse with Type, Code, Message and RequestId', async () => {
    const refused = await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ssm-render-host', ExternalId: 'wrong' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">');
    expect([tag(refused.text, 'Type'), tag(refused.text, 'Code'), tag(refused.text, 'Message')]).toEqual(['Sender', 'AccessDenied', denied(ROLE)]);
    expect(tag(refused.text, 'RequestId')).toBe(refused.headers.get('x-amzn-requestid'));

    const invalid = await query({ Action: 'AssumeRole', RoleSessionName: 'x', DurationSeconds: '60', ExternalId: 'a b' });
    expect(invalid.status).toBe(400);
    expect(tag(invalid.text, 'Code')).toBe('ValidationError');
    expect(tag(invalid.text, 'Message')).toBe(
      "4 validation errors detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null; " +
        "Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2; " +
        "Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900; " +
        "Value 'a b' at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*",
    );
    const long = await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: `ssm-render-${'h'.repeat(54)}` });
    expect(tag(long.text, 'Message')).toMatch(/at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64$/);
    expect(tag((await query({ Action: 'AssumeRole', RoleArn: 'not-an-arn-but-long-enough', RoleSessionName: 'ss' })).text, 'Message')).toBe(
      'Request ARN is invalid',
    );
    fake.addRole(ROLE, { maxSessionDuration: 3600 });
    expect(tag((await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ss', DurationSeconds: '7200' })).text, 'Message')).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
    expect(tag((await query({ Action: 'GetCallerIdentity' })).text, 'Code')).toBe('InvalidAction');
    const unsigned = await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ss' }, null);
    expect([unsigned.status, tag(unsigned.text, 'Code')]).toEqual([403, 'MissingAuthenticationToken']);
    const ssmScoped = await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ss' }, sigv4(CALLER, 'ssm'));
    expect([ssmScoped.status, tag(ssmScoped.text, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(fake.issuedCredentials()).toEqual([]);
  });

  it('takes fault rules that name AssumeRole, and only those', async () => {
    fake.inject({ kind: 'server-error' });
    fake.inject({ operation: 'AssumeRole', kind: 'throttle', times: 1 });
    const throttled = await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ss', ExternalId: 'elasmetrics' });
    expect([throttled.status, tag(throttled.text, 'Code'), tag(throttled.text, 'Message')]).toEqual([400, 'Throttling', 'Rate exceeded']);
    expect((await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ss', ExternalId: 'elasmetrics' })).status).toBe(200);
    fake.clearFaults();
    fake.inject({ operation: 'AssumeRole', kind: 'server-error', times: 1 });
    const failed = await query({ Action: 'AssumeRole', RoleArn: ROLE, RoleSessionName: 'ss', ExternalId: 'elasmetrics' });
    expect([failed.status, tag(failed.text, 'Type'), tag(failed.text, 'Code')]).toEqual([500, 'Receiver', 'InternalFailure']);
  });

  it('has control routes for another process: add-role, restrict-access-key, issued-credentials, expire-credentials', async () => {
    const control = async (route: string, body?: unknown) => {
      const response = await fetch(`${fake.url}/__fake/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const role = 'arn:aws:iam::222222222222:role/path/to/remote';
    expect(await control('add-role', { arn: role, trustedAccessKeys: ['AKIDREMOTE'], readablePaths: ['/REMOTE/'] })).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await control('add-role', { arn: role, trustedKeys: ['AKIDREMOTE'] })).body).toEqual({ ok: false, error: 'Unknown role option `trustedKeys`' });
    expect((await control('add-role', { arn: 'arn:aws:iam::1:user/x' })).body['error']).toMatch(/^Expected a role ARN such as/);
    expect((await control('restrict-access-key', { accessKeyId: 'AKIDREMOTE', readablePaths: ['/HOME/'] })).status).toBe(200);
    const assumed = await query({ Action: 'AssumeRole', RoleArn: role, RoleSessionName: 'remote' }, sigv4('AKIDREMOTE', 'sts'));
    expect(tag(assumed.text, 'Arn')).toBe('arn:aws:sts::222222222222:assumed-role/remote/remote');
    const issued = (await control('issued-credentials')).body['credentials'] as Array<Record<string, unknown>>;
    expect(issued.map((c) => [c['accessKeyId'], c['roleArn']])).toEqual([[tag(assumed.text, 'AccessKeyId'), role]]);
    expect((await control('expire-credentials', { roleArn: role })).body).toEqual({ ok: true, expired: 1 });
    const denial = await failure(ownClient('AKIDREMOTE').send(new GetParameterCommand({ Name: '/ELSEWHERE/x' })));
    expect(denial.message).toContain('User: arn:aws:iam::123456789012:user/fake-ssm is not authorized to perform: ssm:GetParameter on resource:');
  });
});

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : undefined;

describe.skipIf(!AWS)(`Debian's aws CLI (${AWS ?? 'not installed: skipped'})`, () => {
  const home = mkdtempSync(join(tmpdir(), 'fake-sts-cli-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  interface Run {
    code: number;
    stdout: string;
    stderr: string;
  }

  async function aws(keys: Record<string, string>, ...args: string[]): Promise<Run> {
    const env = {
      PATH: '/usr/bin:/bin',
      HOME: home,
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
      ...keys,
    };
    try {
      const { stdout, stderr } = await promisify(execFile)(AWS as string, ['--endpoint-url', fake.url, '--output', 'json', ...args], { env, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  const caller = (key = CALLER) => ({ AWS_ACCESS_KEY_ID: key, AWS_SECRET_ACCESS_KEY: 'caller-secret' });
  const assume = (key: string, ...extra: string[]) =>
    aws(caller(key), 'sts', 'assume-role', '--role-arn', ROLE, '--role-session-name', 'ssm-render-host', ...extra);

  interface Assumed {
    Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
    AssumedRoleUser: { Arn: string; AssumedRoleId: string };
  }

  const as = (c: Assumed['Credentials']) => ({ AWS_ACCESS_KEY_ID: c.AccessKeyId, AWS_SECRET_ACCESS_KEY: c.SecretAccessKey, AWS_SESSION_TOKEN: c.SessionToken });

  it('aws sts assume-role returns credentials, and aws ssm get-parameter signed with them reads the parameter', async () => {
    fake.put('/SECURITY/STAGING/DB_PASSWORD', CANARY, { type: 'SecureString' });
    const run = await assume(CALLER, '--external-id', 'elasmetrics', '--duration-seconds', '1800');
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as Assumed;
    expect(out.AssumedRoleUser).toEqual({
      Arn: 'arn:aws:sts::111111111111:assumed-role/ssm-render-reader/ssm-render-host',
      AssumedRoleId: expect.stringMatching(/^AROA[A-Z2-7]{17}:ssm-render-host$/),
    });
    expect(out.Credentials.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(Math.abs(Date.parse(out.Credentials.Expiration) - (Date.now() + 1_800_000))).toBeLessThan(30_000);

    const read = await aws(as(out.Credentials), 'ssm', 'get-parameter', '--name', '/SECURITY/STAGING/DB_PASSWORD', '--with-decryption');
    expect(read.code, read.stderr).toBe(0);
    expect((JSON.parse(read.stdout) as { Parameter: { Value: string } }).Parameter.Value).toBe(CANARY);
    expect(fake.requests().map((r) => [r.operation, r.accessKeyId])).toEqual([
      ['AssumeRole', CALLER],
      ['GetParameter', out.Credentials.AccessKeyId],
    ]);

    const { AWS_SESSION_TOKEN: _dropped, ...withoutToken } = as(out.Credentials);
    const tokenless = await aws(withoutToken, 'ssm', 'get-parameter', '--name', '/SECURITY/STAGING/DB_PASSWORD');
    expect([tokenless.code, tokenless.stderr.trim()]).toEqual([
      254,
      'An error occurred (UnrecognizedClientException) when calling the GetParameter operation: The security token included in the request is invalid.',
    ]);
  });

  it('prints AccessDenied and exits 254 for an untrusted caller, a wrong or missing external id, and an unknown role', async () => {
    const message = (role = ROLE) => `An error occurred (AccessDenied) when calling the AssumeRole operation: ${denied(role)}`;
    const runs = await Promise.all([
      assume('AKIDSTRANGER', '--external-id', 'elasmetrics'),
      assume(CALLER, '--external-id', 'not-elasmetrics'),
      assume(CALLER),
      aws(caller(), 'sts', 'assume-role', '--role-arn', 'arn:aws:iam::111111111111:role/nobody', '--role-session-name', 'ssm-render-host'),
    ]);
    expect(runs.map((r) => [r.code, r.stdout, r.stderr.trim()])).toEqual([
      [254, '', message()],
      [254, '', message()],
      [254, '', message()],
      [254, '', message('arn:aws:iam::111111111111:role/nobody')],
    ]);
    expect(fake.issuedCredentials()).toEqual([]);
  });

  it('ends the credentials when the role says: aws ssm then fails with ExpiredTokenException', async () => {
    fake.addRole(ROLE, { trustedAccessKeys: [CALLER], durationSeconds: 1 });
    fake.put('/SECURITY/STAGING/A', 'a');
    const out = JSON.parse((await assume(CALLER)).stdout) as Assumed;
    // AWS's Expiration has whole seconds, so a 1-second credential lasts at most 1 s.
    await new Promise((done) => setTimeout(done, Math.max(0, Date.parse(out.Credentials.Expiration) - Date.now()) + 50));
    const late = await aws(as(out.Credentials), 'ssm', 'get-parameter', '--name', '/SECURITY/STAGING/A');
    expect([late.code, late.stderr.trim()]).toEqual([
      254,
      'An error occurred (ExpiredTokenException) when calling the GetParameter operation: The security token included in the request is expired',
    ]);
  });
});

describe('fromTemporaryCredentials (@aws-sdk/credential-providers) with a real SSMClient', () => {
  const clients: SSMClient[] = [];
  const track = (client: SSMClient) => (clients.push(client), client);
  afterEach(() => clients.splice(0).forEach((c) => c.destroy()));

  it('assumes the role once with the external id, and the SSM calls are signed with the assumed key', async () => {
    fake.put('/SECURITY/STAGING/DB_PASSWORD', CANARY, { type: 'SecureString' });
    const ssm = track(assumingClient());
    const page = await ssm.send(new GetParametersByPathCommand({ Path: '/SECURITY/STAGING/', WithDecryption: true }));
    expect(page.Parameters?.map((p) => p.Value)).toEqual([CANARY]);
    await ssm.send(new GetParameterCommand({ Name: '/SECURITY/STAGING/DB_PASSWORD' }));
    const [issued, ...more] = fake.issuedCredentials();
    expect(more).toEqual([]);
    expect(issued).toMatchObject({ roleArn: ROLE, sessionName: 'ssm-render-host', externalId: 'elasmetrics' });
    expect(fake.requests().map((r) => [r.operation, r.accessKeyId])).toEqual([
      ['AssumeRole', CALLER],
      ['GetParametersByPath', issued?.accessKeyId],
      ['GetParameter', issued?.accessKeyId],
    ]);
  });

  it('surfaces AccessDenied on AssumeRole from ssm.send as an STSServiceException named AccessDenied (HTTP 403, client fault)', async () => {
    for (const [params, key] of [
      [{ ExternalId: 'wrong' }, CALLER],
      [{}, 'AKIDSTRANGER'],
    ] as const) {
      const error = await failure(track(assumingClient(params, { key })).send(new GetParameterCommand({ Name: '/SECURITY/STAGING/DB_PASSWORD' })));
      expect(error.constructor.name).toBe('STSServiceException');
      expect({ name: error.name, Code: error.Code, Type: error.Type, $fault: error.$fault, status: error.$metadata?.httpStatusCode }).toEqual({
        name: 'AccessDenied',
        Code: 'AccessDenied',
        Type: 'Sender',
        $fault: 'client',
        status: 403,
      });
      expect(error.message).toBe(denied(ROLE));
    }
    expect(signers('GetParameter')).toEqual([]);
  });

  it('surfaces an unreachable STS endpoint as the socket error (ECONNREFUSED), after the STS client retried', async () => {
    const closed = await startFakeSsm();
    const url = closed.url;
    await closed.close();
    const error = await failure(track(assumingClient({}, { endpoint: url })).send(new GetParameterCommand({ Name: '/x' })));
    expect({ name: error.name, code: error.code, attempts: error.$metadata?.attempts }).toEqual({ name: 'Error', code: 'ECONNREFUSED', attempts: 3 });
    expect(error.message).toBe(`connect ECONNREFUSED ${url.replace('http://', '')}`);
    expect(fake.requests()).toEqual([]);
  });

  it("times out a hanging STS with the calling client's request timeout, which the STS client inherits", async () => {
    fake.inject({ operation: 'AssumeRole', kind: 'latency', latencyMs: 5_000 });
    const credentials = fromTemporaryCredentials({
      params: { RoleArn: ROLE, RoleSessionName: 'ssm-render-host', ExternalId: 'elasmetrics' },
      masterCredentials: { accessKeyId: CALLER, secretAccessKey: 'x' },
      clientConfig: { endpoint: fake.url },
    });
    const requestHandler = { requestTimeout: 300, connectionTimeout: 300, throwOnRequestTimeout: true };
    const ssm = track(new SSMClient({ region: 'eu-west-1', endpoint: fake.url, credentials, maxAttempts: 1, requestHandler }));
    const error = await failure(ssm.send(new GetParameterCommand({ Name: '/x' })));
    expect({ name: error.name, code: error.code, attempts: error.$metadata?.attempts }).toEqual({ name: 'TimeoutError', code: 'ETIMEDOUT', attempts: 3 });
    expect(error.message).toBe('@smithy/node-http-handler - [ERROR] a request has exceeded the configured 300 ms requestTimeout.');
    expect(fake.requests().map((r) => [r.operation, r.region])).toEqual(Array.from({ length: 3 }, () => ['AssumeRole', 'eu-west-1']));
  });

  it('refreshes before expiry: the SDK re-assumes once the credentials are within 5 minutes of their Expiration', async () => {
    // 303 s: the SDK's window (EXPIRATION_MS = 300 000 in @smithy/core) is reached after 2 to 3 s.
    fake.addRole(ROLE, { trustedAccessKeys: [CALLER], externalId: 'elasmetrics', durationSeconds: 303 });
    fake.put('/SECURITY/STAGING/A', 'a');
    const ssm = track(assumingClient());
    const read = () => ssm.send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' }));
    await read();
    await read();
    expect(signers('AssumeRole')).toHaveLength(1);
    const first = fake.issuedCredentials()[0];
    for (let i = 0; i < 40 && signers('AssumeRole').length < 2; i++) {
      await new Promise((done) => setTimeout(done, 200));
      await read();
    }
    const [, second] = fake.issuedCredentials();
    expect(second?.accessKeyId).toMatch(/^ASIA/);
    expect(second?.accessKeyId).not.toBe(first?.accessKeyId);
    const refreshedAt = fake.requests().filter((r) => r.operation === 'AssumeRole')[1]?.at ?? 0;
    expect(Date.parse(first?.expiration ?? '') - refreshedAt).toBeGreaterThan(290_000);
    expect(Date.parse(first?.expiration ?? '') - refreshedAt).toBeLessThanOrEqual(300_000);
    expect(signers('GetParameter').at(-1)).toBe(second?.accessKeyId);
    expect(new Set(signers('GetParameter'))).toEqual(new Set([first?.accessKeyId, second?.accessKeyId]));
  });

  it('assumes the role again for every call when the credentials last less than those 5 minutes (more than once a call)', async () => {
    fake.addRole(ROLE, { trustedAccessKeys: [CALLER], externalId: 'elasmetrics', durationSeconds: 120 });
    fake.put('/SECURITY/STAGING/A', 'a');
    const ssm = track(assumingClient());
    for (let i = 0; i < 3; i++) await ssm.send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' }));
    // The client asks its provider twice a call (to pick the identity, then in the signer), and each ask finds it "expired".
    const assumesBeforeEachCall: number[] = [];
    let assumes = 0;
    for (const { operation } of fake.requests()) {
      if (operation === 'AssumeRole') {
        assumes += 1;
      } else {
        assumesBeforeEachCall.push(assumes);
        assumes = 0;
      }
    }
    expect(assumesBeforeEachCall).toEqual([3, 2, 2]);
    expect(new Set(signers('GetParameter')).size).toBe(3);
  });

  it('keeps using credentials the fake expired early: SSM answers ExpiredTokenException and the SDK neither retries nor refreshes', async () => {
    fake.put('/SECURITY/STAGING/A', 'a');
    const ssm = track(assumingClient());
    await ssm.send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' }));
    expect(fake.expireCredentials(ROLE)).toBe(1);
    const error = await failure(ssm.send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' })));
    expect({ name: error.name, message: error.message, status: error.$metadata?.httpStatusCode }).toEqual({
      name: 'ExpiredTokenException',
      message: 'The security token included in the request is expired',
      status: 400,
    });
    expect(signers('AssumeRole')).toHaveLength(1);
  });

  it('finds the fake through AWS_ENDPOINT_URL alone, or AWS_ENDPOINT_URL_STS for STS, when the provider is given no endpoint', async () => {
    const saved = { all: process.env['AWS_ENDPOINT_URL'], sts: process.env['AWS_ENDPOINT_URL_STS'] };
    const other = await startFakeSsm({ sharedIam: fake });
    try {
      fake.put('/SECURITY/STAGING/A', 'a');
      process.env['AWS_ENDPOINT_URL'] = fake.url;
      delete process.env['AWS_ENDPOINT_URL_STS'];
      await track(assumingClient({}, { endpoint: '' })).send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' }));
      expect(fake.requests().map((r) => r.operation)).toEqual(['AssumeRole', 'GetParameter']);

      process.env['AWS_ENDPOINT_URL_STS'] = other.url;
      await track(assumingClient({}, { endpoint: '' })).send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' }));
      expect(other.requests().map((r) => r.operation)).toEqual(['AssumeRole']);
      expect(fake.requests().map((r) => r.operation)).toEqual(['AssumeRole', 'GetParameter', 'GetParameter']);
      expect(signers('GetParameter')[1]).toBe(fake.issuedCredentials()[1]?.accessKeyId);
    } finally {
      for (const [name, value] of [
        ['AWS_ENDPOINT_URL', saved.all],
        ['AWS_ENDPOINT_URL_STS', saved.sts],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await other.close();
    }
  });
});

describe('the SSM side: which key signed each call, and what each key may read', () => {
  const clients: SSMClient[] = [];
  const track = (client: SSMClient) => (clients.push(client), client);
  afterEach(() => clients.splice(0).forEach((c) => c.destroy()));

  const role = (options: RoleOptions) => fake.addRole(ROLE, { trustedAccessKeys: [CALLER], externalId: 'elasmetrics', ...options });

  it('lets the role read only its paths and the caller only its own: source A used the role, source B the caller', async () => {
    role({ readablePaths: ['/SECURITY/'] });
    fake.restrictAccessKey(CALLER, ['/ELASMETRICS/']);
    fake.put('/SECURITY/STAGING/DB_PASSWORD', CANARY, { type: 'SecureString' });
    fake.put('/ELASMETRICS/COMMON/LOG_LEVEL', 'info');
    const viaRole = track(assumingClient());
    const own = track(ownClient());

    const a = await viaRole.send(new GetParametersByPathCommand({ Path: '/SECURITY/STAGING/', WithDecryption: true }));
    const b = await own.send(new GetParametersByPathCommand({ Path: '/ELASMETRICS/COMMON/' }));
    expect([a.Parameters?.[0]?.Value, b.Parameters?.[0]?.Value]).toEqual([CANARY, 'info']);
    const assumedKey = fake.issuedCredentials()[0]?.accessKeyId;
    expect(fake.requests().map((r) => [r.operation, r.accessKeyId, r.resources])).toEqual([
      ['AssumeRole', CALLER, [ROLE]],
      ['GetParametersByPath', assumedKey, ['arn:aws:ssm:eu-west-1:123456789012:parameter/SECURITY/STAGING/']],
      ['GetParametersByPath', CALLER, ['arn:aws:ssm:eu-west-1:123456789012:parameter/ELASMETRICS/COMMON/']],
    ]);

    const crossA = await failure(viaRole.send(new GetParametersByPathCommand({ Path: '/ELASMETRICS/COMMON/' })));
    expect([crossA.name, crossA.message]).toEqual([
      'AccessDeniedException',
      'User: arn:aws:sts::111111111111:assumed-role/ssm-render-reader/ssm-render-host is not authorized to perform: ssm:GetParametersByPath ' +
        'on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/ELASMETRICS/COMMON/ because no identity-based policy allows the ssm:GetParametersByPath action',
    ]);
    const crossB = await failure(
      own.send(new GetParametersCommand({ Names: ['/ELASMETRICS/COMMON/LOG_LEVEL', '/SECURITY/STAGING/DB_PASSWORD'], WithDecryption: true })),
    );
    expect([crossB.name, crossB.message]).toEqual([
      'AccessDeniedException',
      'User: arn:aws:iam::123456789012:user/fake-ssm is not authorized to perform: ssm:GetParameters ' +
        'on resource: arn:aws:ssm:eu-west-1:123456789012:parameter/SECURITY/STAGING/DB_PASSWORD because no identity-based policy allows the ssm:GetParameters action',
    ]);
    expect(JSON.stringify([crossA, crossB, fake.requests(), fake.issuedCredentials()])).not.toContain(CANARY);
    expect(fake.decryptions()).toBe(1);
  });

  it('accepts keys it did not issue as before, and refuses its own keys without their session token', async () => {
    fake.put('/ELASMETRICS/COMMON/A', 'a');
    expect((await track(ownClient('ASIANOTOURS')).send(new GetParameterCommand({ Name: '/ELASMETRICS/COMMON/A' }))).Parameter?.Value).toBe('a');
    await track(assumingClient()).send(new GetParameterCommand({ Name: '/ELASMETRICS/COMMON/A' }));
    const key = fake.issuedCredentials()[0]?.accessKeyId ?? '';
    const error = await failure(
      track(new SSMClient({ region: 'eu-west-1', endpoint: fake.url, credentials: { accessKeyId: key, secretAccessKey: 'x', sessionToken: 'forged' } })).send(
        new GetParameterCommand({ Name: '/ELASMETRICS/COMMON/A' }),
      ),
    );
    expect([error.name, error.message]).toEqual(['UnrecognizedClientException', 'The security token included in the request is invalid.']);
  });

  it('shares IAM with a second fake (another region): credentials one issued sign calls to the other, and expire there too', async () => {
    const central = await startFakeSsm({ region: 'eu-central-1', sharedIam: fake });
    try {
      central.put('/SECURITY/STAGING/A', 'from-central');
      const ssm = track(
        new SSMClient({
          region: 'eu-central-1',
          endpoint: central.url,
          maxAttempts: 1,
          credentials: fromTemporaryCredentials({
            params: { RoleArn: ROLE, RoleSessionName: 'ssm-render-host', ExternalId: 'elasmetrics' },
            masterCredentials: { accessKeyId: CALLER, secretAccessKey: 'x' },
            clientConfig: { region: 'eu-west-1', endpoint: fake.url },
          }),
        }),
      );
      expect((await ssm.send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' }))).Parameter?.Value).toBe('from-central');
      const key = fake.issuedCredentials()[0]?.accessKeyId;
      expect(central.requests().map((r) => [r.operation, r.accessKeyId, r.region])).toEqual([['GetParameter', key, 'eu-central-1']]);
      expect(central.issuedCredentials()).toEqual(fake.issuedCredentials());
      central.expireCredentials();
      expect((await failure(ssm.send(new GetParameterCommand({ Name: '/SECURITY/STAGING/A' })))).name).toBe('ExpiredTokenException');
    } finally {
      await central.close();
    }
  });
});
