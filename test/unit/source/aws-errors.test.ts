import { describe, expect, it } from 'vitest';
import { InvalidRequestError, KmsAccessError, LimitExceededError, ParameterExistsError, ThrottledError } from '../../../src/errors';
import { fromAwsError } from '../../../src/source/aws-errors';

const VALUE = 'CANARY-value-echoed-by-aws';
const put = { operation: 'PutParameter', resource: '/P/E/X', region: 'eu-west-1' };
const aws = (name: string, message = '', status = 400) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

describe('fromAwsError for writes', () => {
  it('ParameterAlreadyExists says to pass --overwrite', () => {
    const error = fromAwsError(aws('ParameterAlreadyExists', 'The parameter already exists.'), put);
    expect(error).toBeInstanceOf(ParameterExistsError);
    expect(error).toMatchObject({ message: 'Parameter /P/E/X already exists', parameter: '/P/E/X', exitCode: 3 });
    expect((error as ParameterExistsError).hint).toMatch(/--overwrite/);
  });

  it('never passes a ValidationException message through: it can quote the value', () => {
    const error = fromAwsError(
      aws(
        'ValidationException',
        `1 validation error detected: Value '${VALUE}' at 'value' failed to satisfy constraint: Member must have length less than or equal to 4096`,
      ),
      put,
    );
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('Parameter Store rejected PutParameter on /P/E/X as invalid (ValidationException)');
    expect(JSON.stringify({ m: error.message, h: (error as InvalidRequestError).hint })).not.toContain(VALUE);
    expect((error as InvalidRequestError).hint).toMatch(/--tier Advanced/);
    expect((fromAwsError(aws('ValidationException', `Parameter ${VALUE} type is required`), put) as InvalidRequestError).hint).toMatch(/--type/);
    expect((fromAwsError(aws('ValidationException', `no idea ${VALUE}`), put) as InvalidRequestError).hint).toMatch(/not shown/);
  });

  it('maps the limits, the hierarchy depth, concurrent updates, a pattern mismatch and a KMS key that cannot encrypt', () => {
    expect(fromAwsError(aws('ParameterLimitExceeded', 'x'), put)).toBeInstanceOf(LimitExceededError);
    expect(fromAwsError(aws('ParameterMaxVersionLimitExceeded', 'x'), put)).toBeInstanceOf(LimitExceededError);
    expect(fromAwsError(aws('HierarchyLevelLimitExceededException', 'x'), put)).toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('more than 15 levels'),
    });
    const busy = fromAwsError(aws('TooManyUpdates', 'x'), put);
    expect(busy).toBeInstanceOf(ThrottledError);
    expect(busy.message).toBe('Too many concurrent updates to /P/E/X (TooManyUpdates)');
    const mismatch = fromAwsError(aws('ParameterPatternMismatchException', `value ${VALUE} does not match ^a$`), put);
    expect(mismatch).toBeInstanceOf(InvalidRequestError);
    expect(mismatch.message).not.toContain(VALUE);
    const kms = fromAwsError(aws('InvalidKeyId', 'arn:aws:kms:eu-west-1:123456789012:key/abc is not valid'), put);
    expect(kms).toBeInstanceOf(KmsAccessError);
    expect(kms.message).toBe('KMS refused to encrypt /P/E/X (key arn:aws:kms:eu-west-1:123456789012:key/abc)');
  });

  it('points write denials to iam-policy --read-write, and names the DescribeParameters resource', () => {
    expect((fromAwsError(aws('AccessDeniedException', 'no'), put) as { hint: string }).hint).toMatch(/ssm-render iam-policy --read-write/);
    expect(fromAwsError(aws('AccessDeniedException', 'no'), { operation: 'DescribeParameters', resource: 'parameters', region: 'eu-west-1' })).toMatchObject({
      resource: 'arn:aws:ssm:eu-west-1:*:*',
    });
  });
});

describe('fromAwsError for what is not an AWS answer', () => {
  it('returns a TypeError as it is (an internal bug), not as "Parameter Store refused"', () => {
    const bug = new TypeError('x is not a function');
    expect(fromAwsError(bug, put)).toBe(bug);
    expect(fromAwsError(aws('SomeNewAwsError', 'm'), put)).toMatchObject({ code: 'SERVICE_UNAVAILABLE', exitCode: 3 });
  });
});
