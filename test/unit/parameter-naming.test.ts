import { describe, expect, it } from 'vitest';
import { nameProblem, pathProblem, splitSelector, withTrailingSlash } from '../../src/parameter-naming';

describe('nameProblem', () => {
  it.each(['/ELASMETRICS/STAGING/MYSQL/PASSWORD', 'flat_name', '/a/b.c-d_e', `/${Array.from({ length: 15 }, () => 'x').join('/')}`])('accepts %s', (name) => {
    expect(nameProblem(name, 'write')).toBeUndefined();
  });

  it.each([
    ['', 'the name is empty'],
    ['a/b', 'a name with / must start with /'],
    ['/a//b', 'empty level'],
    ['/a/b/', 'empty level'],
    ['/a b', 'letters, digits'],
    ['/ünï', 'letters, digits'],
    [`/${Array.from({ length: 16 }, () => 'x').join('/')}`, 'at most 15 levels'],
    [`/${'x'.repeat(2048)}`, 'at most 2048'],
    ['/aws/x', 'cannot start with aws or ssm'],
    ['/SSM/x', 'cannot start with aws or ssm'],
    ['awsflat', 'cannot start with aws or ssm'],
    ['/a:3', 'selector'],
  ])('refuses %s for a write', (name, problem) => {
    expect(nameProblem(name, 'write')).toContain(problem);
  });

  it('reads may carry a selector, and may read /aws/ public parameters and Secrets Manager references', () => {
    expect(nameProblem('/a/b:3', 'read')).toBeUndefined();
    expect(nameProblem('/a/b:live', 'read')).toBeUndefined();
    expect(nameProblem('/a/b:', 'read')).toContain('selector');
    expect(nameProblem('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', 'read')).toBeUndefined();
    expect(nameProblem('/aws/reference/secretsmanager/prod/db+x@y', 'read')).toBeUndefined();
    expect(nameProblem('/ssm/x', 'read')).toContain('aws or ssm');
  });

  it('splits a selector and normalises paths', () => {
    expect(splitSelector('/a/b:3')).toEqual({ name: '/a/b', selector: ':3' });
    expect(splitSelector('/a/b')).toEqual({ name: '/a/b', selector: '' });
    expect(withTrailingSlash('/a')).toBe('/a/');
    expect(withTrailingSlash('/a/')).toBe('/a/');
    expect(pathProblem('/')).toBeUndefined();
    expect(pathProblem('/A/B/')).toBeUndefined();
    expect(pathProblem('A/B')).toContain('starts with /');
    expect(pathProblem('/A B/')).toContain('letters');
  });
});

describe('splitSelector: one rule for every room', () => {
  const ARN = '/aws/reference/secretsmanager/arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/db-AbCdEf';
  it.each([
    ['/a/b:3', '/a/b', ':3'],
    ['/a/b:label', '/a/b', ':label'],
    ['/a/b', '/a/b', ''],
    ['flat:7', 'flat', ':7'],
    ['/aws/reference/secretsmanager/prod/db', '/aws/reference/secretsmanager/prod/db', ''],
    ['/aws/reference/secretsmanager/prod/db:AWSCURRENT', '/aws/reference/secretsmanager/prod/db', ':AWSCURRENT'],
    [
      '/aws/reference/secretsmanager/prod/db:a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
      '/aws/reference/secretsmanager/prod/db',
      ':a1b2c3d4-5678-90ab-cdef-EXAMPLE11111',
    ],
    [ARN, ARN, ''],
    [`${ARN}:AWSPREVIOUS`, ARN, ':AWSPREVIOUS'],
    ['/aws/reference/secretsmanager/arn:aws:secretsmanager:eu-west-1', '/aws/reference/secretsmanager/arn:aws:secretsmanager:eu-west-1', ''],
  ])('%s -> %s + %s', (raw, name, selector) => {
    expect(splitSelector(raw)).toEqual({ name, selector });
  });

  it('a selector holds only a version or a label: a colon or a slash after the first colon is refused', () => {
    expect(nameProblem('/a/b:c:d', 'read')).toMatch(/version number or a label/);
    expect(nameProblem('/a:b/c', 'read')).toMatch(/version number or a label/);
    expect(nameProblem('/a/b:live-2.0_x', 'read')).toBeUndefined();
  });
});
