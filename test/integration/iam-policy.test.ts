import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli, type CliResult } from '../support/run-cli';
import { scratch } from '../support/tmp';
import { findOnPath, lastLog } from '../support/toolkit';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

let dir: ReturnType<typeof scratch>;
beforeEach(() => {
  dir = scratch();
});
afterEach(() => dir.cleanup());

// No endpoint and no credentials: iam-policy never calls AWS.
const env = (extra: Record<string, string | undefined> = {}) =>
  isolatedEnv({ AWS_REGION: 'eu-west-1', PARAMETER_STORE_PREFIX: '/ELASMETRICS', ENV: 'STAGING', AWS_ENDPOINT_URL: 'http://127.0.0.1:9', ...extra });

async function policy(args: string[] = [], extra: Record<string, string | undefined> = {}): Promise<{ result: CliResult; doc: Policy }> {
  const result = await runCli(['iam-policy', ...args], { cwd: dir.dir, env: env(extra) });
  expect(result.code, result.stderr).toBe(0);
  return { result, doc: JSON.parse(result.stdout) as Policy };
}

const sid = (doc: Policy, id: string) => doc.Statement.find((s) => s.Sid === id);

const CFN_LINT = findOnPath('cfn-lint');

/** The policy document through cfn-lint's IAM checks (grammar, Effect, Sid, known actions), a validator nobody here wrote. */
async function lint(doc: Policy): Promise<void> {
  const template = dir.write(
    'policy-template.json',
    JSON.stringify({
      AWSTemplateFormatVersion: '2010-09-09',
      Resources: { Policy: { Type: 'AWS::IAM::ManagedPolicy', Properties: { PolicyDocument: doc } } },
    }),
  );
  const { stdout } = await promisify(execFile)(CFN_LINT as string, [template], { timeout: 60_000 }).catch((e: { stdout?: string; code?: number }) => {
    throw new Error(`cfn-lint exit ${e.code}: ${e.stdout}`);
  });
  expect(stdout).toBe('');
}

describe('iam-policy', () => {
  it('prints the least-privilege read policy for the resolved prefix, env and region', async () => {
    const { doc } = await policy();
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement.map((s) => s.Sid)).toEqual(['ReadParameters', 'DecryptSecureStrings']);
    expect(sid(doc, 'ReadParameters')).toEqual({
      Sid: 'ReadParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      Resource: ['arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING', 'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING/*'],
    });
    expect(sid(doc, 'DecryptSecureStrings')).toEqual({
      Sid: 'DecryptSecureStrings',
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: ['arn:aws:kms:eu-west-1:*:key/*'],
      Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } },
    });
    for (const s of doc.Statement) expect(s.Action.some((a) => /^ssm:(Put|Delete|Describe)/.test(a))).toBe(false);
  });

  it('follows --prefix, --env, --region and the config file, and adds named parameters and Secrets Manager references', async () => {
    dir.write(
      'ssm-render.yaml',
      'prefix: /APP\nenv: PROD\nregion: us-east-2\nparameters:\n  TOKEN: /shared/api/token:3\n  DB: /aws/reference/secretsmanager/prod/db\n  INSIDE: /APP/PROD/X/Y\n',
    );
    const { doc } = await policy([], { AWS_REGION: undefined, PARAMETER_STORE_PREFIX: undefined, ENV: undefined });
    expect(sid(doc, 'ReadParameters')?.Resource).toEqual([
      'arn:aws:ssm:us-east-2:*:parameter/APP/PROD',
      'arn:aws:ssm:us-east-2:*:parameter/APP/PROD/*',
      'arn:aws:ssm:us-east-2:*:parameter/shared/api/token',
      'arn:aws:ssm:us-east-2:*:parameter/aws/reference/secretsmanager/prod/db',
    ]);
    expect(sid(doc, 'ReadReferencedSecrets')).toEqual({
      Sid: 'ReadReferencedSecrets',
      Effect: 'Allow',
      Action: ['secretsmanager:GetSecretValue'],
      Resource: ['arn:aws:secretsmanager:us-east-2:*:secret:prod/db-??????'],
    });
    expect(sid(doc, 'DecryptSecureStrings')?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['ssm.us-east-2.amazonaws.com', 'secretsmanager.us-east-2.amazonaws.com'] },
    });
    const flags = await policy(['--prefix', 'OTHER', '--env', 'DEV', '--region', 'eu-central-1']);
    expect(sid(flags.doc, 'ReadParameters')?.Resource.slice(0, 2)).toEqual([
      'arn:aws:ssm:eu-central-1:*:parameter/OTHER/DEV',
      'arn:aws:ssm:eu-central-1:*:parameter/OTHER/DEV/*',
    ]);
  });

  it('--read-write adds PutParameter and DeleteParameter under the path; with --kms-key-arn, encryption with that key only', async () => {
    const key = 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const { doc } = await policy(['--read-write', '--kms-key-arn', key, '--account-id', '123456789012']);
    expect(sid(doc, 'WriteParameters')).toEqual({
      Sid: 'WriteParameters',
      Effect: 'Allow',
      Action: ['ssm:PutParameter', 'ssm:DeleteParameter'],
      Resource: ['arn:aws:ssm:eu-west-1:123456789012:parameter/ELASMETRICS/STAGING/*'],
    });
    expect(sid(doc, 'DecryptSecureStrings')?.Resource).toEqual([key]);
    expect(sid(doc, 'EncryptSecureStrings')).toEqual({
      Sid: 'EncryptSecureStrings',
      Effect: 'Allow',
      Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
      Resource: [key],
      Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } },
    });
    expect(sid(doc, 'ReadParameters')?.Resource[0]).toBe('arn:aws:ssm:eu-west-1:123456789012:parameter/ELASMETRICS/STAGING');
    const noKey = await policy(['--read-write']);
    expect(sid(noKey.doc, 'EncryptSecureStrings')).toBeUndefined();
  });

  it('refuses an alias or a malformed key ARN, a bad account id, and a missing prefix, exit 2', async () => {
    for (const args of [
      ['--kms-key-arn', 'alias/app'],
      ['--kms-key-arn', 'arn:aws:kms:eu-west-1:123456789012:alias/app'],
      ['--account-id', '12345'],
    ]) {
      const result = await runCli(['iam-policy', ...args], { cwd: dir.dir, env: env() });
      expect(result.code, args.join(' ')).toBe(2);
    }
    const noPrefix = await runCli(['iam-policy'], { cwd: dir.dir, env: env({ PARAMETER_STORE_PREFIX: undefined }) });
    expect(noPrefix.code).toBe(2);
    expect(lastLog(noPrefix)['msg']).toMatch(/No Parameter Store prefix is set|needs the prefix and the env/);
    const noRegion = await runCli(['iam-policy'], { cwd: dir.dir, env: env({ AWS_REGION: undefined }) });
    expect(noRegion.code).toBe(2);
    expect(lastLog(noRegion)['msg']).toBe('No AWS region is set');
  });

  it.skipIf(!CFN_LINT)(`passes cfn-lint's IAM policy checks (${CFN_LINT ?? 'cfn-lint not installed: skipped'})`, async () => {
    dir.write('ssm-render.yaml', 'parameters:\n  DB: /aws/reference/secretsmanager/prod/db\n  T: /shared/t\n');
    await lint((await policy()).doc);
    await lint(
      (
        await policy([
          '--read-write',
          '--kms-key-arn',
          'arn:aws:kms:eu-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab',
          '--account-id',
          '123456789012',
        ])
      ).doc,
    );
  });
});

describe('iam-policy with `sources:`', () => {
  const ROLE = 'arn:aws:iam::111111111111:role/ssm-render-reader';
  const layered = () =>
    dir.write(
      'ssm-render.yaml',
      [
        'sources:',
        '  - path: /ELASMETRICS/COMMON/',
        '  - path: "/ELASMETRICS/{env}/"',
        '  - names: { CA: /shared/tls/ca }',
        '  - path: /SECURITY/{env}/',
        `    role_arn: ${ROLE}`,
        '    region: eu-central-1',
        '    fallback_region: eu-north-1',
        '',
      ].join('\n'),
    );

  it("gives the caller every path and name it reads itself, and sts:AssumeRole on each source's role", async () => {
    layered();
    const { doc } = await policy();
    expect(sid(doc, 'ReadParameters')?.Resource).toEqual([
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/COMMON',
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/COMMON/*',
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING',
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING/*',
      'arn:aws:ssm:eu-west-1:*:parameter/shared/tls/ca',
    ]);
    expect(sid(doc, 'AssumeSourceRoles')).toEqual({ Sid: 'AssumeSourceRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [ROLE] });
    expect(JSON.stringify(doc)).not.toContain('SECURITY');
  });

  it('--for-role prints what that role needs: its sources, in their region and fallback region, and no AssumeRole', async () => {
    layered();
    const { doc } = await policy(['--for-role', ROLE]);
    expect(sid(doc, 'ReadParameters')?.Resource).toEqual([
      'arn:aws:ssm:eu-central-1:*:parameter/SECURITY/STAGING',
      'arn:aws:ssm:eu-central-1:*:parameter/SECURITY/STAGING/*',
      'arn:aws:ssm:eu-north-1:*:parameter/SECURITY/STAGING',
      'arn:aws:ssm:eu-north-1:*:parameter/SECURITY/STAGING/*',
    ]);
    expect(sid(doc, 'DecryptSecureStrings')?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': ['ssm.eu-central-1.amazonaws.com', 'ssm.eu-north-1.amazonaws.com'] },
    });
    expect(sid(doc, 'AssumeSourceRoles')).toBeUndefined();
  });

  it('--for-role naming no source role is a usage error listing the roles', async () => {
    layered();
    const result = await runCli(['iam-policy', '--for-role', 'arn:aws:iam::111111111111:role/other'], { cwd: dir.dir, env: env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`the roles in \`sources:\` are ${ROLE}`);
  });
});
