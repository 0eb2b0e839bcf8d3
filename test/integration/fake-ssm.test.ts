import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  SSMClient,
  paginateGetParametersByPath,
  type GetParametersByPathCommandInput,
  type Parameter,
} from '@aws-sdk/client-ssm';
import { build } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';

const CANARY = 'CANARY-8c1f-secret';
const AUTH = `AWS4-HMAC-SHA256 Credential=AKIDRAW/20240101/eu-west-1/ssm/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=${'0'.repeat(64)}`;

let fake: FakeSsm;
let ssm: SSMClient;

beforeAll(async () => {
  fake = await startFakeSsm();
  ssm = client();
});
afterAll(async () => {
  ssm.destroy();
  await fake.close();
});
beforeEach(() => {
  fake.clearFaults();
  fake.resetCounters();
  fake.setOptions({ pageSize: 10, emptyPages: 0, latencyMs: 0, rateLimit: undefined });
});

function client(maxAttempts = 1, url = fake.url): SSMClient {
  return new SSMClient({ region: 'eu-west-1', endpoint: url, credentials: { accessKeyId: 'AKIDFAKE', secretAccessKey: 'x' }, maxAttempts });
}

interface CaughtError extends Error {
  code?: string;
  $metadata?: { httpStatusCode?: number };
  Message?: string;
}

async function failure(promise: Promise<unknown>): Promise<CaughtError> {
  try {
    await promise;
  } catch (error) {
    return error as CaughtError;
  }
  throw new Error('expected the call to fail');
}

async function raw(operation: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(fake.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-amz-json-1.1', 'X-Amz-Target': `AmazonSSM.${operation}`, Authorization: AUTH, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

const names = (parameters: Parameter[] | undefined): string[] => (parameters ?? []).map((p) => p.Name ?? '');

describe('the wire protocol', () => {
  it('answers AWS JSON 1.1 with epoch-second dates and a request id', async () => {
    fake.put('/wire/a', 'plain');
    const response = await raw('GetParameter', { Name: '/wire/a' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    const parameter = (JSON.parse(response.text) as { Parameter: Record<string, unknown> }).Parameter;
    expect(parameter).toMatchObject({
      Name: '/wire/a',
      Type: 'String',
      Value: 'plain',
      Version: 1,
      DataType: 'text',
      ARN: 'arn:aws:ssm:eu-west-1:123456789012:parameter/wire/a',
    });
    expect(parameter['LastModifiedDate']).toBeTypeOf('number');
    expect(Math.abs((parameter['LastModifiedDate'] as number) - Date.now() / 1000)).toBeLessThan(60);
  });

  it('rejects a request without Authorization and records who called', async () => {
    const response = await raw('GetParameter', { Name: '/wire/a' }, { Authorization: '' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^MissingAuthenticationTokenException/);
    expect(JSON.parse(response.text)).toEqual({ __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' });
    await ssm.send(new GetParameterCommand({ Name: '/wire/a' }));
    expect(fake.requests().map(({ operation, accessKeyId, region }) => ({ operation, accessKeyId, region }))).toEqual([
      { operation: 'GetParameter', accessKeyId: undefined, region: undefined },
      { operation: 'GetParameter', accessKeyId: 'AKIDFAKE', region: 'eu-west-1' },
    ]);
  });

  it('names an unknown operation and a body that is not JSON', async () => {
    expect(JSON.parse((await raw('RebootTheWorld', {})).text)).toMatchObject({ __type: 'UnknownOperationException' });
    const broken = await raw('GetParameter', '{"Name": ');
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.text)).toMatchObject({ __type: 'SerializationException' });
  });

  it('has a control API that does not count as AWS calls', async () => {
    const control = async (route: string, body?: unknown) => {
      const response = await fetch(`${fake.url}/__fake/${route}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    expect(await control('put', { name: '/wire/control', value: 'v', type: 'SecureString' })).toEqual({ status: 200, body: { ok: true, version: 1 } });
    expect(fake.value('/wire/control')).toBe('v');
    expect((await control('options', { pageSize: 2 })).status).toBe(200);
    expect((await ssm.send(new GetParametersByPathCommand({ Path: '/wire' }))).Parameters).toHaveLength(2);
    expect(await control('options', { pageSize: -1 })).toEqual({
      status: 400,
      body: { ok: false, error: 'Expected the `pageSize` option to be an integer >= 1, got `-1` (number)' },
    });
    await control('reset-counters', {});
    expect((await control('stats')).body).toEqual({ ok: true, calls: {}, decryptions: 0, faults: {} });
    expect((await control('nowhere')).status).toBe(404);
  });

  it('serves concurrent requests over keep-alive connections', async () => {
    for (let i = 0; i < 20; i++) fake.put(`/conc/p${i}`, `v${i}`);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => ssm.send(new GetParameterCommand({ Name: `/conc/p${i % 20}` }))));
    expect(results.map((r) => r.Parameter?.Value)).toEqual(Array.from({ length: 60 }, (_, i) => `v${i % 20}`));
    expect(fake.calls()).toEqual({ GetParameter: 60 });
  });

  it('closes promptly with an idle keep-alive connection and a request in flight', async () => {
    const other = await startFakeSsm({ latencyMs: 0 });
    const sdk = client(1, other.url);
    other.put('/k', 'v');
    await sdk.send(new GetParameterCommand({ Name: '/k' }));
    other.setOptions({ latencyMs: 10_000 });
    const pending = failure(sdk.send(new GetParameterCommand({ Name: '/k' })));
    await new Promise((done) => setTimeout(done, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await pending).$metadata?.httpStatusCode).toBeUndefined();
    sdk.destroy();
  });
});

describe('PutParameter', () => {
  it('creates, refuses to overwrite silently, and versions on Overwrite', async () => {
    expect(await ssm.send(new PutParameterCommand({ Name: '/put/a', Value: 'one', Type: 'String' }))).toMatchObject({ Version: 1, Tier: 'Standard' });
    const exists = await failure(ssm.send(new PutParameterCommand({ Name: '/put/a', Value: 'two', Type: 'String' })));
    expect(exists.name).toBe('ParameterAlreadyExists');
    expect(exists.$metadata?.httpStatusCode).toBe(400);
    expect(await ssm.send(new PutParameterCommand({ Name: '/put/a', Value: 'two', Overwrite: true }))).toMatchObject({ Version: 2 });
    expect(fake.value('/put/a')).toBe('two');
    expect((await ssm.send(new GetParameterCommand({ Name: '/put/a' }))).Parameter).toMatchObject({ Type: 'String', Version: 2 });
  });

  it('needs a Type for a new parameter', async () => {
    const error = await failure(ssm.send(new PutParameterCommand({ Name: '/put/untyped', Value: 'v' })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('A parameter type is required when you create a parameter.');
  });

  it.each([
    ['/put/bad name', 'ValidationException'],
    ['/put/bad$', 'ValidationException'],
    ['put/relative', 'ValidationException'],
    ['/put//double', 'ValidationException'],
    ['/aws/mine', 'ValidationException'],
    ['/SSM/mine', 'ValidationException'],
    ['awsFlat', 'ValidationException'],
    [`/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`, 'HierarchyLevelLimitExceededException'],
    [`/${'n'.repeat(2048)}`, 'ValidationException'],
  ])('refuses the name %s with %s', async (name, code) => {
    expect((await failure(ssm.send(new PutParameterCommand({ Name: name, Value: 'v', Type: 'String' })))).name).toBe(code);
  });

  it('accepts 15 levels, every allowed character, and the Advanced tier for long values', async () => {
    const deep = `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`;
    expect((await ssm.send(new PutParameterCommand({ Name: deep, Value: 'v', Type: 'String' }))).Version).toBe(1);
    expect((await ssm.send(new PutParameterCommand({ Name: '/put/A-z_0.9', Value: 'v', Type: 'String' }))).Version).toBe(1);
    const long = 'x'.repeat(5000);
    expect((await failure(ssm.send(new PutParameterCommand({ Name: '/put/long', Value: long, Type: 'String' })))).name).toBe('ValidationException');
    expect(await ssm.send(new PutParameterCommand({ Name: '/put/long', Value: long, Type: 'String', Tier: 'Advanced' }))).toMatchObject({ Tier: 'Advanced' });
  });
});

describe('GetParameter and GetParameters', () => {
  beforeAll(() => {
    fake.put('/get/str', 'v1');
    fake.put('/get/str', 'v2', { labels: ['current'] });
    fake.put('/get/str', 'v3');
    fake.label('/get/str', 1, ['first']);
    fake.put('/get/list', 'a,b,c', { type: 'StringList' });
  });

  it('returns the latest version, or the one a selector names', async () => {
    expect((await ssm.send(new GetParameterCommand({ Name: '/get/str' }))).Parameter).toMatchObject({ Name: '/get/str', Value: 'v3', Version: 3 });
    const byVersion = (await ssm.send(new GetParameterCommand({ Name: '/get/str:2' }))).Parameter;
    expect(byVersion).toMatchObject({ Name: '/get/str', Selector: ':2', Value: 'v2', Version: 2 });
    const byLabel = (await ssm.send(new GetParameterCommand({ Name: '/get/str:first' }))).Parameter;
    expect(byLabel).toMatchObject({ Name: '/get/str', Selector: ':first', Value: 'v1', Version: 1 });
    expect(byLabel?.LastModifiedDate).toBeInstanceOf(Date);
    expect((await ssm.send(new GetParameterCommand({ Name: '/get/list' }))).Parameter).toMatchObject({ Type: 'StringList', Value: 'a,b,c' });
  });

  it('has ParameterNotFound and ParameterVersionNotFound', async () => {
    const missing = await failure(ssm.send(new GetParameterCommand({ Name: '/get/missing' })));
    expect(missing.name).toBe('ParameterNotFound');
    expect(missing.$metadata?.httpStatusCode).toBe(400);
    expect((await failure(ssm.send(new GetParameterCommand({ Name: '/get/str:9' })))).name).toBe('ParameterVersionNotFound');
    const label = await failure(ssm.send(new GetParameterCommand({ Name: '/get/str:nolabel' })));
    expect(label.name).toBe('ParameterVersionNotFound');
    expect(label.message).toContain('nolabel');
  });

  it('puts unknown names and unresolvable selectors in InvalidParameters', async () => {
    const result = await ssm.send(new GetParametersCommand({ Names: ['/get/str', '/get/missing', '/get/str:1', '/get/str:9', '/get/list:nolabel'] }));
    expect(result.Parameters?.map((p) => [p.Name, p.Selector, p.Value])).toEqual([
      ['/get/str', undefined, 'v3'],
      ['/get/str', ':1', 'v1'],
    ]);
    expect(result.InvalidParameters).toEqual(['/get/missing', '/get/str:9', '/get/list:nolabel']);
  });

  it('takes at most 10 names', async () => {
    const error = await failure(ssm.send(new GetParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `/get/n${i}`) })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/at 'names' failed to satisfy constraint: Member must have length less than or equal to 10/);
  });
});

describe('SecureString', () => {
  it('is ciphertext without WithDecryption, plaintext with it, and each decryption is counted', async () => {
    fake.put('/sec/one', 'first-secret', { type: 'SecureString' });
    fake.put('/sec/one', 'second-secret', { type: 'SecureString' });
    const hidden = (await ssm.send(new GetParameterCommand({ Name: '/sec/one' }))).Parameter?.Value ?? '';
    const hiddenV1 = (await ssm.send(new GetParameterCommand({ Name: '/sec/one:1' }))).Parameter?.Value ?? '';
    expect(hidden).toMatch(/^AQICAH[A-Za-z0-9+/]+=*$/);
    expect(hidden).not.toContain('secret');
    expect(Buffer.from(hidden, 'base64').toString('latin1')).not.toContain('second-secret');
    expect(hiddenV1).not.toBe(hidden);
    expect((await ssm.send(new GetParameterCommand({ Name: '/sec/one' }))).Parameter?.Value).toBe(hidden);
    expect(fake.decryptions()).toBe(0);

    expect((await ssm.send(new GetParameterCommand({ Name: '/sec/one', WithDecryption: true }))).Parameter?.Value).toBe('second-secret');
    fake.put('/sec/two', 'two', { type: 'SecureString' });
    fake.put('/sec/plain', 'plain');
    const many = await ssm.send(new GetParametersCommand({ Names: ['/sec/one', '/sec/two', '/sec/plain'], WithDecryption: true }));
    expect(many.Parameters?.map((p) => p.Value)).toEqual(['second-secret', 'two', 'plain']);
    expect(fake.decryptions()).toBe(3);
  });
});

describe('Secrets Manager references', () => {
  const REF = '/aws/reference/secretsmanager/prod/db';

  it('needs WithDecryption and returns the secret with its SourceResult', async () => {
    fake.putSecret('prod/db', '{"password":"pw"}');
    const refused = await failure(ssm.send(new GetParameterCommand({ Name: REF })));
    expect(refused.name).toBe('ValidationException');
    expect(refused.message).toBe('WithDecryption flag must be True for retrieving a Secret Manager secret.');
    expect((await failure(ssm.send(new GetParametersCommand({ Names: [REF] })))).name).toBe('ValidationException');

    const parameter = (await ssm.send(new GetParameterCommand({ Name: REF, WithDecryption: true }))).Parameter;
    expect(parameter).toMatchObject({ Name: REF, Type: 'SecureString', Value: '{"password":"pw"}', Version: 0 });
    expect(parameter?.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod\/db-[A-Za-z]{6}$/);
    expect(JSON.parse(parameter?.SourceResult ?? '{}')).toMatchObject({ Name: 'prod/db', ARN: parameter?.ARN });
    expect(parameter?.SourceResult).not.toContain('pw');
    expect(fake.decryptions()).toBe(1);

    const both = await ssm.send(new GetParametersCommand({ Names: [REF, '/aws/reference/secretsmanager/nope'], WithDecryption: true }));
    expect(names(both.Parameters)).toEqual([REF]);
    expect(both.InvalidParameters).toEqual(['/aws/reference/secretsmanager/nope']);
    expect((await failure(ssm.send(new GetParameterCommand({ Name: '/aws/reference/secretsmanager/nope', WithDecryption: true })))).name).toBe(
      'ParameterNotFound',
    );
  });

  it('cannot be listed by path', async () => {
    const error = await failure(ssm.send(new GetParametersByPathCommand({ Path: '/aws/reference/secretsmanager', Recursive: true })));
    expect(error.name).toBe('ValidationException');
  });
});

describe('GetParametersByPath', () => {
  beforeAll(() => {
    for (let i = 0; i < 20; i++) fake.put(`/pag/p${String(i).padStart(2, '0')}`, `v${i}`, { type: i % 3 === 0 ? 'SecureString' : 'String' });
    for (let i = 0; i < 5; i++) fake.put(`/pag/deep/d${i}`, `d${i}`);
    fake.put('/pag', 'the path itself');
    fake.put('/pagination-neighbour/x', 'not under /pag');
  });

  async function walk(input: GetParametersByPathCommandInput) {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let empty = 0;
    do {
      const page = await ssm.send(new GetParametersByPathCommand({ ...input, NextToken: token }));
      pages += 1;
      if ((page.Parameters ?? []).length === 0) empty += 1;
      expect((page.Parameters ?? []).length).toBeLessThanOrEqual(3);
      seen.push(...names(page.Parameters));
      token = page.NextToken;
    } while (token);
    return { seen, pages, empty };
  }

  it('pages 3 at a time with 2 empty pages before each page, every parameter once (recursive)', async () => {
    fake.setOptions({ pageSize: 3, emptyPages: 2 });
    const { seen, pages, empty } = await walk({ Path: '/pag', Recursive: true });
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen).not.toContain('/pag');
    expect(seen).not.toContain('/pagination-neighbour/x');
    expect(pages).toBe(9 * 3);
    expect(empty).toBe(9 * 2);
    expect(fake.calls()['GetParametersByPath']).toBe(27);
  });

  it('returns only direct children when not recursive', async () => {
    fake.setOptions({ pageSize: 3, emptyPages: 2 });
    const { seen } = await walk({ Path: '/pag/', Recursive: false });
    expect(seen.sort()).toEqual(Array.from({ length: 20 }, (_, i) => `/pag/p${String(i).padStart(2, '0')}`));
  });

  it("works with the SDK's own paginator and counts decryptions per parameter", async () => {
    fake.setOptions({ pageSize: 4, emptyPages: 1 });
    const seen: Parameter[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: '/pag', WithDecryption: true })) seen.push(...(page.Parameters ?? []));
    expect(seen).toHaveLength(20);
    expect(seen.filter((p) => p.Type === 'SecureString').map((p) => p.Value)).toEqual(['v0', 'v3', 'v6', 'v9', 'v12', 'v15', 'v18']);
    expect(fake.decryptions()).toBe(7);
  });

  it('caps MaxResults at 10 and honours a smaller one', async () => {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: '/pag', MaxResults: 2 }));
    expect(page.Parameters).toHaveLength(2);
    expect(page.NextToken).toBeTypeOf('string');
    const error = await failure(ssm.send(new GetParametersByPathCommand({ Path: '/pag', MaxResults: 11 })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/maxResults/);
  });

  it('rejects a token from another listing and a garbage token with InvalidNextToken', async () => {
    const page = await ssm.send(new GetParametersByPathCommand({ Path: '/pag', MaxResults: 2 }));
    const other = await failure(ssm.send(new GetParametersByPathCommand({ Path: '/pag/deep', NextToken: page.NextToken })));
    expect(other.name).toBe('InvalidNextToken');
    expect(other.message).toBe('The specified token is not valid.');
    const recursive = await failure(ssm.send(new GetParametersByPathCommand({ Path: '/pag', Recursive: true, NextToken: page.NextToken })));
    expect(recursive.name).toBe('InvalidNextToken');
    expect((await failure(ssm.send(new GetParametersByPathCommand({ Path: '/pag', NextToken: 'garbage' })))).name).toBe('InvalidNextToken');
  });

  it('needs a path that starts with a slash', async () => {
    expect((await failure(ssm.send(new GetParametersByPathCommand({ Path: 'pag' })))).name).toBe('ValidationException');
  });

  it('filters by Type and by Label', async () => {
    const secure = await ssm.send(new GetParametersByPathCommand({ Path: '/pag', ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }] }));
    expect(secure.Parameters?.every((p) => p.Type === 'SecureString')).toBe(true);
    expect(secure.Parameters).toHaveLength(7);
    fake.put('/lab/a', 'a1');
    fake.put('/lab/a', 'a2');
    fake.put('/lab/b', 'b1');
    fake.label('/lab/a', 1, ['stable']);
    const stable = await ssm.send(new GetParametersByPathCommand({ Path: '/lab', ParameterFilters: [{ Key: 'Label', Option: 'Equals', Values: ['stable'] }] }));
    expect(stable.Parameters?.map((p) => [p.Name, p.Value, p.Version])).toEqual([['/lab/a', 'a1', 1]]);
    const bad = await failure(ssm.send(new GetParametersByPathCommand({ Path: '/lab', ParameterFilters: [{ Key: 'Name', Values: ['/lab/a'] }] })));
    expect(bad.name).toBe('InvalidFilterKey');
  });
});

describe('DescribeParameters', () => {
  beforeAll(() => {
    fake.put('/desc/app/one', 'secret-one', { type: 'SecureString', keyId: 'alias/app', description: 'first' });
    fake.put('/desc/app/two', 'two');
    fake.put('/desc/app/deep/three', 'three', { type: 'StringList' });
    fake.put('/desc/other', 'other');
  });

  it('filters by Name, Path and Type and never returns a value', async () => {
    const byName = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/desc/app/'] }] }));
    expect(names(byName.Parameters)).toEqual(['/desc/app/deep/three', '/desc/app/one', '/desc/app/two']);
    expect(JSON.stringify(byName)).not.toContain('secret-one');
    expect(byName.Parameters?.[1]).toMatchObject({
      Name: '/desc/app/one',
      Type: 'SecureString',
      KeyId: 'alias/app',
      Description: 'first',
      Version: 1,
      Tier: 'Standard',
      DataType: 'text',
    });
    const equals = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/desc/other'] }] }));
    expect(names(equals.Parameters)).toEqual(['/desc/other']);
    const oneLevel = await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Option: 'OneLevel', Values: ['/desc/app'] }] }));
    expect(names(oneLevel.Parameters)).toEqual(['/desc/app/one', '/desc/app/two']);
    const recursive = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [
          { Key: 'Path', Option: 'Recursive', Values: ['/desc'] },
          { Key: 'Type', Values: ['StringList'] },
        ],
      }),
    );
    expect(names(recursive.Parameters)).toEqual(['/desc/app/deep/three']);
  });

  it('paginates with NextToken and validates MaxResults and filter options', async () => {
    fake.setOptions({ emptyPages: 1 });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(
        new DescribeParametersCommand({ MaxResults: 1, NextToken: token, ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/desc'] }] }),
      );
      seen.push(...names(page.Parameters));
      token = page.NextToken;
    } while (token);
    expect(seen).toEqual(['/desc/app/deep/three', '/desc/app/one', '/desc/app/two', '/desc/other']);
    expect((await failure(ssm.send(new DescribeParametersCommand({ MaxResults: 51 })))).name).toBe('ValidationException');
    const option = await failure(ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Option: 'Sideways', Values: ['/desc'] }] })));
    expect(option.name).toBe('InvalidFilterOption');
  });
});

describe('DeleteParameter(s), LabelParameterVersion, GetParameterHistory', () => {
  it('deletes one or many and reports what was missing', async () => {
    fake.put('/del/a', 'a');
    fake.put('/del/b', 'b');
    fake.put('/del/c', 'c');
    await ssm.send(new DeleteParameterCommand({ Name: '/del/a' }));
    expect(fake.value('/del/a')).toBeUndefined();
    expect((await failure(ssm.send(new DeleteParameterCommand({ Name: '/del/a' })))).name).toBe('ParameterNotFound');
    const many = await ssm.send(new DeleteParametersCommand({ Names: ['/del/b', '/del/c', '/del/zz'] }));
    expect(many).toMatchObject({ DeletedParameters: ['/del/b', '/del/c'], InvalidParameters: ['/del/zz'] });
  });

  it('labels a version, moving a label that was elsewhere, and rejects invalid labels', async () => {
    fake.put('/lbl/x', 'x1');
    fake.put('/lbl/x', 'x2');
    expect(await ssm.send(new LabelParameterVersionCommand({ Name: '/lbl/x', ParameterVersion: 1, Labels: ['live', 'awsBad', '1st'] }))).toMatchObject({
      ParameterVersion: 1,
      InvalidLabels: ['awsBad', '1st'],
    });
    expect((await ssm.send(new GetParameterCommand({ Name: '/lbl/x:live' }))).Parameter?.Value).toBe('x1');
    await ssm.send(new LabelParameterVersionCommand({ Name: '/lbl/x', Labels: ['live'] }));
    expect((await ssm.send(new GetParameterCommand({ Name: '/lbl/x:live' }))).Parameter?.Value).toBe('x2');
    expect((await failure(ssm.send(new LabelParameterVersionCommand({ Name: '/lbl/x', ParameterVersion: 7, Labels: ['a'] })))).name).toBe(
      'ParameterVersionNotFound',
    );
    expect((await failure(ssm.send(new LabelParameterVersionCommand({ Name: '/lbl/none', Labels: ['a'] })))).name).toBe('ParameterNotFound');
  });

  it('lists the history of a parameter with labels, decrypting only on request', async () => {
    fake.put('/hist/s', 'h1', { type: 'SecureString' });
    fake.put('/hist/s', 'h2', { type: 'SecureString', labels: ['now'] });
    const hidden = await ssm.send(new GetParameterHistoryCommand({ Name: '/hist/s' }));
    expect(hidden.Parameters?.map((p) => [p.Version, p.Labels])).toEqual([
      [1, []],
      [2, ['now']],
    ]);
    expect(hidden.Parameters?.map((p) => p.Value)).not.toContain('h1');
    const shown = await ssm.send(new GetParameterHistoryCommand({ Name: '/hist/s', WithDecryption: true }));
    expect(shown.Parameters?.map((p) => p.Value)).toEqual(['h1', 'h2']);
    expect(fake.decryptions()).toBe(2);
  });
});

describe('fault rules', () => {
  beforeAll(() => {
    fake.put('/flt/plain', 'plain');
    fake.put('/flt/secret', 'kept-secret', { type: 'SecureString', keyId: '0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6' });
    fake.put('/flt/other', 'other-secret', { type: 'SecureString' });
  });

  it.each([
    ['throttle', 'ThrottlingException', 400, 'Rate exceeded'],
    ['server-error', 'InternalServerError', 500, 'An internal error occurred.'],
    ['unavailable', 'ServiceUnavailable', 503, 'Service Unavailable'],
    ['invalid-next-token', 'InvalidNextToken', 400, 'The specified token is not valid.'],
    ['expired-token', 'ExpiredTokenException', 400, 'The security token included in the request is expired'],
    ['unrecognized-client', 'UnrecognizedClientException', 400, 'The security token included in the request is invalid.'],
  ] as const)('%s fails twice with %s, then the rule is gone', async (kind, code, status, message) => {
    fake.inject({ operation: 'GetParameter', kind, times: 2 });
    for (let i = 0; i < 2; i++) {
      const error = await failure(ssm.send(new GetParameterCommand({ Name: '/flt/plain' })));
      expect([error.name, error.$metadata?.httpStatusCode, error.message]).toEqual([code, status, message]);
    }
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
    expect(fake.calls()['GetParameter']).toBe(3);
  });

  it('matches on operation and on parameter name', async () => {
    fake.inject({ operation: 'GetParameters', kind: 'throttle' });
    fake.inject({ name: '/flt/other', kind: 'server-error' });
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
    expect((await failure(ssm.send(new GetParametersCommand({ Names: ['/flt/plain'] })))).name).toBe('ThrottlingException');
    expect((await failure(ssm.send(new GetParameterCommand({ Name: '/flt/other' })))).name).toBe('InternalServerError');
    expect((await failure(ssm.send(new GetParametersByPathCommand({ Path: '/flt' })))).name).toBe('InternalServerError');
    expect((await ssm.send(new GetParametersByPathCommand({ Path: '/pag/deep' }))).Parameters).toHaveLength(5);
  });

  it('access-denied names the action and the resource as IAM does', async () => {
    fake.inject({ operation: 'GetParametersByPath', kind: 'access-denied', times: 1 });
    const error = await failure(ssm.send(new GetParametersByPathCommand({ Path: '/flt/' })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toBe(
      'User: arn:aws:sts::123456789012:assumed-role/app/session is not authorized to perform: ssm:GetParametersByPath on resource: ' +
        'arn:aws:ssm:eu-west-1:123456789012:parameter/flt/ because no identity-based policy allows the ssm:GetParametersByPath action',
    );
    fake.inject({ name: '/flt/plain', kind: 'access-denied' });
    expect((await failure(ssm.send(new GetParameterCommand({ Name: '/flt/plain' })))).message).toMatch(
      /ssm:GetParameter on resource: arn:aws:ssm:eu-west-1:123456789012:parameter\/flt\/plain /,
    );
  });

  it('kms-denied applies only to a decryption of a matching SecureString', async () => {
    fake.inject({ name: '/flt/secret', kind: 'kms-denied', times: 2 });
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/secret' }))).Parameter?.Value).not.toBe('kept-secret');
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/other', WithDecryption: true }))).Parameter?.Value).toBe('other-secret');
    const error = await failure(ssm.send(new GetParameterCommand({ Name: '/flt/secret', WithDecryption: true })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      /^User: arn:aws:sts::123456789012:assumed-role\/app\/session is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:123456789012:key\/0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6 because no resource-based policy allows the kms:Decrypt action \(Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException; Request ID: [0-9a-f-]{36}; Proxy: null\)$/,
    );
    expect((await failure(ssm.send(new GetParametersByPathCommand({ Path: '/flt', WithDecryption: true })))).name).toBe('AccessDeniedException');
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/secret', WithDecryption: true }))).Parameter?.Value).toBe('kept-secret');
    expect(fake.decryptions()).toBe(2);
  });

  it('drop closes the connection without a response', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'drop', times: 1 });
    const error = await failure(ssm.send(new GetParameterCommand({ Name: '/flt/plain' })));
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${error.name} ${error.code ?? ''} ${error.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
  });

  it('after lets that many matching calls through first', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'server-error', after: 2, times: 1 });
    for (let i = 0; i < 2; i++) expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
    expect((await failure(ssm.send(new GetParameterCommand({ Name: '/flt/plain' })))).name).toBe('InternalServerError');
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
    expect(fake.faultsApplied()).toEqual({ 'server-error': 1 });
    expect(() => fake.inject({ kind: 'throttle', after: -1 })).toThrow('Expected the fault `after` to be a non-negative integer, got `-1` (number)');
  });

  it('reset resets the connection (RST) without a response', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'reset', times: 1 });
    const error = await failure(ssm.send(new GetParameterCommand({ Name: '/flt/plain' })));
    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${error.name} ${error.code ?? ''} ${error.message}`).toMatch(/ECONNRESET/);
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
  });

  it('truncated announces the whole body, sends half of it and closes; the SDK sees an aborted answer', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'truncated', times: 1 });
    const error = await failure(ssm.send(new GetParameterCommand({ Name: '/flt/secret', WithDecryption: true })));
    expect(`${error.name} ${error.code ?? ''} ${error.message}`).toMatch(/aborted|ECONNRESET|socket hang up|premature close/i);
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
  });

  it('invalid-json is a 200 whose body is the real one, broken; html is a proxy page (503 unless the rule says)', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'invalid-json', times: 1 });
    const broken = await raw('GetParameter', { Name: '/flt/secret', WithDecryption: true });
    expect(broken.status).toBe(200);
    expect(broken.text).toContain('kept-secret'); // what a client must keep out of its errors
    expect(() => JSON.parse(broken.text) as unknown).toThrow(SyntaxError);
    fake.inject({ operation: 'GetParameter', kind: 'html', times: 1 });
    const page = await raw('GetParameter', { Name: '/flt/plain' });
    expect([page.status, page.headers.get('content-type')]).toEqual([503, 'text/html']);
    expect(page.text).toMatch(/^<html>/);
    fake.inject({ operation: 'GetParameter', kind: 'html', status: 502, times: 1 });
    expect((await raw('GetParameter', { Name: '/flt/plain' })).status).toBe(502);
    expect((await raw('GetParameter', { Name: '/flt/plain' })).status).toBe(200);
  });

  it('latency delays a call that then succeeds, and the global latency applies to every call', async () => {
    fake.inject({ operation: 'GetParameter', kind: 'latency', latencyMs: 300, times: 1 });
    let started = Date.now();
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    started = Date.now();
    await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }));
    expect(Date.now() - started).toBeLessThan(250);
    fake.setOptions({ latencyMs: 200 });
    started = Date.now();
    await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('the rate limit throttles a burst beyond the bucket, then refills', async () => {
    fake.setOptions({ rateLimit: { perSecond: 5, burst: 5 } });
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))));
    const throttled = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as Error).name);
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(5);
    expect(throttled.length).toBeGreaterThanOrEqual(6);
    expect(new Set(throttled)).toEqual(new Set(['ThrottlingException']));
    await new Promise((done) => setTimeout(done, 450));
    expect((await ssm.send(new GetParameterCommand({ Name: '/flt/plain' }))).Parameter?.Value).toBe('plain');
  });

  it('validates a rule and names the value received', () => {
    expect(() => fake.inject({ kind: 'explode' as never })).toThrow(/Expected the fault `kind` to be one of .*got `"explode"` \(string\)/);
    expect(() => fake.setOptions({ pageSize: 0 })).toThrow('Expected the `pageSize` option to be an integer >= 1, got `0` (number)');
  });
});

describe('no value leaks', () => {
  it('never puts a value in an error body or in requests()', async () => {
    await ssm.send(new PutParameterCommand({ Name: '/leak/secret', Value: CANARY, Type: 'SecureString', AllowedPattern: '^CANARY-.*$' }));
    fake.inject({ name: '/leak/secret', kind: 'kms-denied', times: 1 });
    fake.inject({ operation: 'DeleteParameter', kind: 'access-denied', times: 1 });
    const bodies = [
      await raw('PutParameter', { Name: '/leak/secret', Value: CANARY, Type: 'SecureString' }),
      await raw('PutParameter', { Name: '/leak/secret', Value: `x${CANARY}`, Overwrite: true }),
      await raw('PutParameter', { Name: '/leak/long', Value: CANARY.repeat(300), Type: 'SecureString' }),
      await raw('PutParameter', { Name: '/leak/bad name', Value: CANARY, Type: 'SecureString' }),
      await raw('PutParameter', { Name: '/leak/empty', Value: CANARY, Type: 'Secure' }),
      await raw('PutParameter', `{"Name": "/leak/x", "Value": "${CANARY}`),
      await raw('GetParameter', { Name: '/leak/secret', WithDecryption: true }),
      await raw('DeleteParameter', { Name: '/leak/secret' }),
      await fetch(`${fake.url}/__fake/put`, { method: 'POST', body: `{"name":"/leak/c","value":"${CANARY}` }).then(async (r) => ({
        status: r.status,
        text: await r.text(),
      })),
    ];
    for (const { status, text } of bodies) {
      expect(status).toBeGreaterThanOrEqual(400);
      expect(text).not.toContain(CANARY);
    }
    expect(JSON.stringify(fake.requests())).not.toContain(CANARY);
    expect((await ssm.send(new GetParameterCommand({ Name: '/leak/secret', WithDecryption: true }))).Parameter?.Value).toBe(CANARY);
  });
});

const AWS = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : findOnPath('aws');

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) if (dir && existsSync(join(dir, command))) return join(dir, command);
  return undefined;
}

describe.skipIf(!AWS)(`the Debian aws CLI (${AWS ?? 'not installed: skipped'})`, () => {
  const home = mkdtempSync(join(tmpdir(), 'fake-ssm-cli-'));
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  async function aws(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: Record<string, unknown> }> {
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: home,
      AWS_ACCESS_KEY_ID: 'AKIDCLI',
      AWS_SECRET_ACCESS_KEY: 'x',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_PAGER: '',
    };
    try {
      const { stdout, stderr } = await promisify(execFile)(AWS as string, ['--endpoint-url', fake.url, '--output', 'json', 'ssm', ...args], {
        env,
        timeout: 30_000,
      });
      return { code: 0, stdout, stderr, json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {} };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '', json: {} };
    }
  }

  it('puts, overwrites, gets, lists, describes and deletes', async () => {
    const puts = await Promise.all([
      aws('put-parameter', '--name', '/cli/app/secret', '--value', 's3cr3t', '--type', 'SecureString'),
      aws('put-parameter', '--name', '/cli/app/plain', '--value', 'plain', '--type', 'String'),
      aws('put-parameter', '--name', '/cli/app/list', '--value', 'a,b', '--type', 'StringList'),
    ]);
    expect(puts.map((p) => p.json)).toEqual([1, 2, 3].map(() => ({ Version: 1, Tier: 'Standard' })));
    expect((await aws('put-parameter', '--name', '/cli/app/secret', '--value', 'rotated', '--type', 'SecureString', '--overwrite')).json).toMatchObject({
      Version: 2,
    });

    const [single, multiple] = await Promise.all([
      aws('get-parameter', '--name', '/cli/app/secret', '--with-decryption'),
      aws('get-parameters', '--names', '/cli/app/plain', '/cli/app/list', '/cli/app/missing'),
    ]);
    expect(single.json['Parameter']).toMatchObject({ Name: '/cli/app/secret', Type: 'SecureString', Value: 'rotated', Version: 2 });
    const some = multiple.json;
    expect((some['Parameters'] as Parameter[]).map((p) => p.Value)).toEqual(['plain', 'a,b']);
    expect(some['InvalidParameters']).toEqual(['/cli/app/missing']);

    for (let i = 0; i < 12; i++) fake.put(`/cli/app/many/m${String(i).padStart(2, '0')}`, `m${i}`, { type: 'SecureString' });
    fake.setOptions({ pageSize: 4, emptyPages: 1 });
    const listed = (await aws('get-parameters-by-path', '--path', '/cli/app', '--recursive', '--with-decryption')).json['Parameters'] as Parameter[];
    expect(listed.map((p) => p.Name).sort()).toEqual([
      '/cli/app/list',
      ...Array.from({ length: 12 }, (_, i) => `/cli/app/many/m${String(i).padStart(2, '0')}`),
      '/cli/app/plain',
      '/cli/app/secret',
    ]);
    expect(listed.find((p) => p.Name === '/cli/app/many/m07')?.Value).toBe('m7');
    expect(fake.calls()['GetParametersByPath']).toBeGreaterThan(4);

    const described = (await aws('describe-parameters', '--parameter-filters', 'Key=Path,Option=Recursive,Values=/cli')).json['Parameters'] as Record<
      string,
      unknown
    >[];
    expect(described).toHaveLength(15);
    expect(JSON.stringify(described)).not.toContain('rotated');

    expect((await aws('delete-parameter', '--name', '/cli/app/plain')).code).toBe(0);
    const missing = await aws('get-parameter', '--name', '/cli/app/plain');
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ParameterNotFound');
    expect(new Set(fake.requests().map((r) => r.accessKeyId))).toEqual(new Set(['AKIDCLI']));
  });
});

describe('the process entry (main.ts, bundled with esbuild)', () => {
  it('starts from flags and a seed file, prints its URL, serves the control API, and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-ssm-main-'));
    try {
      const bundle = join(dir, 'fake-ssm.cjs');
      await build({
        entryPoints: [resolve(__dirname, '../support/fake-ssm/main.ts')],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        outfile: bundle,
        logLevel: 'silent',
      });
      const seed = join(dir, 'seed.json');
      writeFileSync(seed, JSON.stringify({ parameters: [{ name: '/seeded/a', value: 'sa', type: 'SecureString' }], secrets: { 'seeded/s': 'ss' } }));
      const child = spawn(process.execPath, [bundle, '--page-size', '2', '--seed', seed], {
        env: { ...process.env, FAKE_SSM_REGION: 'us-east-2' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const line = await new Promise<string>((done, fail) => {
        child.stdout.once('data', (d: Buffer) => done(d.toString()));
        child.once('exit', (code) => fail(new Error(`exited ${code}`)));
      });
      const { url } = JSON.parse(line) as { url: string };
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      await fetch(`${url}/__fake/put`, { method: 'POST', body: JSON.stringify({ name: '/seeded/b', value: 'sb', type: 'String' }) });
      await fetch(`${url}/__fake/inject`, { method: 'POST', body: JSON.stringify({ operation: 'GetParameters', kind: 'throttle', times: 1 }) });
      const remote = client(1, url);
      const page = await remote.send(new GetParametersByPathCommand({ Path: '/seeded', WithDecryption: true }));
      expect(page.Parameters?.map((p) => [p.Value, p.ARN])).toEqual([
        ['sa', 'arn:aws:ssm:us-east-2:123456789012:parameter/seeded/a'],
        ['sb', 'arn:aws:ssm:us-east-2:123456789012:parameter/seeded/b'],
      ]);
      expect((await remote.send(new GetParameterCommand({ Name: '/aws/reference/secretsmanager/seeded/s', WithDecryption: true }))).Parameter?.Value).toBe(
        'ss',
      );
      expect((await failure(remote.send(new GetParametersCommand({ Names: ['/seeded/a'] })))).name).toBe('ThrottlingException');
      const stats = (await (await fetch(`${url}/__fake/stats`)).json()) as { calls: Record<string, number>; decryptions: number };
      expect(stats).toMatchObject({ calls: { GetParametersByPath: 1, GetParameter: 1, GetParameters: 1 }, decryptions: 2 });
      remote.destroy();
      const exit = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
