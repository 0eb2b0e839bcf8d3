import { describe, expect, it } from 'vitest';
import { buildPolicy, kmsKeyArnProblem, partitionOf } from '../../../src/source/iam-policy';

const base = { region: 'eu-west-1', account: '*', path: '/ELASMETRICS/STAGING/', parameters: [], readWrite: false };

describe('buildPolicy', () => {
  it('covers the path itself (GetParametersByPath) and everything below it, and decrypts only through SSM', () => {
    const doc = buildPolicy(base);
    expect(doc.Statement[0]?.Resource).toEqual([
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING',
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING/*',
    ]);
    expect(doc.Statement[1]?.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'ssm.eu-west-1.amazonaws.com' } });
  });

  it('adds named parameters outside the path once, without selectors, and secrets behind references', () => {
    const doc = buildPolicy({
      ...base,
      parameters: [
        '/shared/a:3',
        '/shared/a:live',
        '/ELASMETRICS/STAGING/inside',
        '/aws/reference/secretsmanager/prod/db',
        '/aws/reference/secretsmanager/arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf',
      ],
    });
    expect(doc.Statement[0]?.Resource).toEqual([
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING',
      'arn:aws:ssm:eu-west-1:*:parameter/ELASMETRICS/STAGING/*',
      'arn:aws:ssm:eu-west-1:*:parameter/shared/a',
      'arn:aws:ssm:eu-west-1:*:parameter/aws/reference/secretsmanager/prod/db',
      'arn:aws:ssm:eu-west-1:*:parameter/aws/reference/secretsmanager/arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf',
    ]);
    expect(doc.Statement[1]?.Resource).toEqual([
      'arn:aws:secretsmanager:eu-west-1:*:secret:prod/db-??????',
      'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf',
    ]);
  });

  it('a Secrets Manager reference with a selector (by name or by ARN) authorises the secret, not a secret named after the selector', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x-AbCdEf';
    const doc = buildPolicy({ ...base, parameters: ['/aws/reference/secretsmanager/prod/db:AWSCURRENT', `/aws/reference/secretsmanager/${arn}:AWSPREVIOUS`] });
    expect(doc.Statement[0]?.Resource.slice(2)).toEqual([
      'arn:aws:ssm:eu-west-1:*:parameter/aws/reference/secretsmanager/prod/db',
      `arn:aws:ssm:eu-west-1:*:parameter/aws/reference/secretsmanager/${arn}`,
    ]);
    expect(doc.Statement[1]?.Resource).toEqual(['arn:aws:secretsmanager:eu-west-1:*:secret:prod/db-??????', arn]);
  });

  it("uses the region's partition", () => {
    expect(partitionOf('cn-north-1')).toEqual({ partition: 'aws-cn', domain: 'amazonaws.com.cn' });
    expect(partitionOf('us-gov-west-1').partition).toBe('aws-us-gov');
    const doc = buildPolicy({ ...base, region: 'cn-north-1', account: '123456789012' });
    expect(doc.Statement[0]?.Resource[0]).toBe('arn:aws-cn:ssm:cn-north-1:123456789012:parameter/ELASMETRICS/STAGING');
    expect(doc.Statement[1]?.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'ssm.cn-north-1.amazonaws.com.cn' } });
  });

  it('a root prefix reads /<env>/', () => {
    expect(buildPolicy({ ...base, path: '/STAGING/' }).Statement[0]?.Resource).toEqual([
      'arn:aws:ssm:eu-west-1:*:parameter/STAGING',
      'arn:aws:ssm:eu-west-1:*:parameter/STAGING/*',
    ]);
  });
});

describe('kmsKeyArnProblem', () => {
  it('takes key ARNs (multi-Region ones too) and refuses aliases', () => {
    expect(kmsKeyArnProblem('arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab')).toBeUndefined();
    expect(kmsKeyArnProblem('arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab')).toBeUndefined();
    expect(kmsKeyArnProblem('alias/app')).toMatch(/not by alias/);
    expect(kmsKeyArnProblem('arn:aws:kms:eu-west-1:123456789012:alias/app')).toMatch(/not by alias/);
    expect(kmsKeyArnProblem('1234abcd-12ab-34cd-56ef-1234567890ab')).toMatch(/expected a key ARN/);
  });
});
