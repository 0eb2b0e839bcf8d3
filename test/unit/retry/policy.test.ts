import { describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  ConfigError,
  CredentialsError,
  ParameterNotFoundError,
  RenderError,
  ServiceError,
  ThrottledError,
  WriteError,
  type SsmRenderError,
} from '../../../src/errors';
import {
  attemptsPerCall,
  backoffDelay,
  delayAfterFailure,
  firstDelay,
  intervalDelay,
  isRetryable,
  isThrottled,
  mayReuseRecentFiles,
  retriedAtStartUp,
  startUpDelay,
  START_UP_MAX_BACKOFF_MS,
} from '../../../src/retry/policy';

const watch = { intervalMs: 300_000, jitter: 0.1, maxStaleMs: undefined, backoffMs: 5_000 };

describe('intervalDelay', () => {
  it('spreads the interval by the jitter, both ways', () => {
    expect(intervalDelay(watch, () => 0)).toBe(270_000);
    expect(intervalDelay(watch, () => 0.5)).toBe(300_000);
    expect(intervalDelay(watch, () => 1)).toBe(330_000);
    expect(intervalDelay({ ...watch, jitter: 0 }, Math.random)).toBe(300_000);
  });

  it('draws a new factor each time, over the whole ±jitter band', () => {
    const delays = Array.from({ length: 1_000 }, () => intervalDelay(watch));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(270_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(330_000);
    expect(delays.filter((d) => d < 285_000).length).toBeGreaterThan(150);
    expect(delays.filter((d) => d > 315_000).length).toBeGreaterThan(150);
  });
});

describe('backoffDelay', () => {
  it('backs off exponentially after failures, with jitter, capped at the interval', () => {
    expect([1, 2, 3, 4].map((f) => backoffDelay(watch, f, () => 1))).toEqual([5_000, 10_000, 20_000, 40_000]);
    expect(backoffDelay(watch, 1, () => 0)).toBe(2_500);
    expect(backoffDelay(watch, 20, () => 1)).toBe(300_000);
    expect(backoffDelay(watch, 10_000, () => 1)).toBe(300_000);
  });

  it('jitters each delay between half and all of it', () => {
    expect(backoffDelay(watch, 3, () => 0.5)).toBe(15_000);
    const delays = Array.from({ length: 1_000 }, () => backoffDelay(watch, 2));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(5_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(10_000);
    expect(new Set(delays).size).toBeGreaterThan(100);
  });
});

describe('startUpDelay', () => {
  it('is the same backoff with the same jitter, capped at 30 s (or the interval, if shorter)', () => {
    expect([1, 2, 3].map((f) => startUpDelay(watch, f, () => 1))).toEqual([1, 2, 3].map((f) => backoffDelay(watch, f, () => 1)));
    expect(startUpDelay(watch, 2, () => 0)).toBe(5_000);
    expect(startUpDelay(watch, 10, () => 1)).toBe(START_UP_MAX_BACKOFF_MS);
    expect(startUpDelay(watch, 10, () => 0)).toBe(START_UP_MAX_BACKOFF_MS / 2);
    expect(startUpDelay({ ...watch, intervalMs: 12_000 }, 10, () => 1)).toBe(12_000);
  });
});

describe('firstDelay', () => {
  it('puts the first refresh at a uniformly random point of the first interval (splay), never later', () => {
    expect(firstDelay(watch, () => 0)).toBe(300_000);
    expect(firstDelay(watch, () => 0.25)).toBe(225_000);
    expect(firstDelay(watch, () => 0.999_999_9)).toBe(1);
    const delays = Array.from({ length: 1_000 }, () => firstDelay(watch));
    expect(Math.max(...delays)).toBeLessThanOrEqual(300_000);
    // Spread over the whole interval, not bunched within the ±10% jitter.
    expect(delays.filter((d) => d < 150_000).length).toBeGreaterThan(350);
  });

  it('is exactly the interval with jitter off', () => {
    expect(firstDelay({ ...watch, jitter: 0 }, () => 0.5)).toBe(300_000);
  });
});

const throttled = new ThrottledError('Parameter Store throttled GetParametersByPath');
const unavailable = new ServiceError('Parameter Store failed GetParametersByPath with HTTP 500 (InternalServerError)');
const expired = new CredentialsError('AWS rejected the credentials as expired', { retryable: true });
const refused = new ServiceError('Parameter Store refused GetParametersByPath (Weird, HTTP 400)', { retryable: false });
const denied = new AccessDeniedError('Access denied: ssm:GetParametersByPath on /APP/PROD/', 'ssm:GetParametersByPath', 'arn:aws:ssm:*:*:parameter/APP/PROD');
const notFound = new ParameterNotFoundError('Parameter not found: /APP/PROD/DB/PASSWORD', ['/APP/PROD/DB/PASSWORD']);
const noCredentials = new CredentialsError('AWS credentials not found');
const config = new ConfigError('Expected `watch.interval` to be a duration');
const render = new RenderError('Missing key DB.PASSWORD');
const write = new WriteError('Cannot write out/app.env', 'out/app.env');
const bug = new TypeError('x is undefined');

describe('what is retried', () => {
  const cases: Array<[string, SsmRenderError | Error, { retryable: boolean; atStartUp: boolean }]> = [
    ['throttling', throttled, { retryable: true, atStartUp: true }],
    ['a 5xx', unavailable, { retryable: true, atStartUp: true }],
    ['expired credentials', expired, { retryable: true, atStartUp: true }],
    ['an unknown AWS refusal', refused, { retryable: false, atStartUp: true }],
    ['access denied (a role not bound yet)', denied, { retryable: false, atStartUp: true }],
    ['a parameter not found (not seeded yet)', notFound, { retryable: false, atStartUp: true }],
    ['no credentials (not there yet)', noCredentials, { retryable: false, atStartUp: true }],
    ['a config error', config, { retryable: false, atStartUp: false }],
    ['a render error', render, { retryable: false, atStartUp: false }],
    ['a write error', write, { retryable: false, atStartUp: false }],
    ['a bug', bug, { retryable: false, atStartUp: false }],
  ];

  it.each(cases)('%s', (_name, error, expected) => {
    expect({ retryable: isRetryable(error), atStartUp: retriedAtStartUp(error) }).toEqual(expected);
  });

  it('after a retryable failure, backs off; after any other, waits a whole (jittered) interval', () => {
    expect(delayAfterFailure(watch, throttled, 1, () => 1)).toBe(5_000);
    expect(delayAfterFailure(watch, unavailable, 3, () => 0)).toBe(10_000);
    expect(delayAfterFailure(watch, denied, 1, () => 1)).toBe(330_000);
    expect(delayAfterFailure(watch, notFound, 1, () => 0)).toBe(270_000);
    expect(delayAfterFailure(watch, bug, 1, () => 0.5)).toBe(300_000);
  });
});

describe('isThrottled', () => {
  it.each(['ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'RequestLimitExceeded'])('%s is throttling', (name) => {
    expect(isThrottled({ name, $metadata: { httpStatusCode: 400 } })).toBe(true);
  });

  it('so is an HTTP 429 or an error the SDK marks as throttling; access denied, a 500 or a non-error is not', () => {
    expect(isThrottled({ name: 'Unknown', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottled({ name: 'Unknown', $metadata: {}, $retryable: { throttling: true } })).toBe(true);
    expect(isThrottled({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isThrottled({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })).toBe(false);
    expect(isThrottled(undefined)).toBe(false);
    expect(isThrottled('ThrottlingException')).toBe(false);
  });
});

describe('attemptsPerCall', () => {
  it("gives a one-shot command the SDK's 3 attempts a call and watch/exec 8", () => {
    expect(attemptsPerCall('one-shot')).toBe(3);
    expect(attemptsPerCall('long-running')).toBe(8);
  });

  it('lets render --reuse-within keep recent files only when Parameter Store itself is unwell', () => {
    expect(mayReuseRecentFiles(new ThrottledError('throttled'))).toBe(true);
    expect(mayReuseRecentFiles(new ServiceError('503'))).toBe(true);
    // A ServiceError that will not pass by itself (an unknown AWS error) is no reason to keep files.
    expect(mayReuseRecentFiles(new ServiceError('refused', { retryable: false }))).toBe(false);
    const never: SsmRenderError[] = [
      new AccessDeniedError('denied', 'ssm:GetParametersByPath', 'arn'),
      new ParameterNotFoundError('gone', ['/A/B']),
      new CredentialsError('expired', { retryable: true }),
      new ConfigError('bad'),
      new RenderError('bad template'),
      new WriteError('EROFS', '/x'),
    ];
    for (const error of never) expect(mayReuseRecentFiles(error), error.name).toBe(false);
    expect(mayReuseRecentFiles(new Error('a bug'))).toBe(false);
  });
});
