import { describe, expect, it } from 'vitest';
import { nameProblem, pathProblem, splitSelector, withTrailingSlash } from '../../../src/source/names';

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
