import { describe, expect, it } from 'vitest';
import { AccessDeniedError, InvalidRequestError, ParameterNotFoundError, ServiceError, ThrottledError } from '../../../src/errors';
import { failoverSource, failsOver, type Served } from '../../../src/source/failover';
import type { Parameter, ParameterSource } from '../../../src/source/types';

const parameter = (value: string): Parameter => ({ name: '/S/A', value, type: 'String', version: 1 });

/** A source that fails with each queued error in turn, then answers. */
function scripted(value: string, errors: unknown[] = []) {
  let calls = 0;
  const source: ParameterSource = {
    byPath: async () => {
      calls++;
      const error = errors.shift();
      if (error !== undefined) throw error;
      return [parameter(value)];
    },
    byNames: async (names) => new Map(names.map((n) => [n, parameter(value)])),
    notFound: () => undefined,
  };
  return { source, calls: () => calls };
}

describe('failsOver', () => {
  it('fails over on what another region may not share, never on what would mask a real problem', () => {
    expect(failsOver(new ServiceError('unreachable'))).toBe(true);
    expect(failsOver(new ThrottledError('throttled'))).toBe(true);
    expect(failsOver(new ServiceError('refused 4xx', { retryable: false }))).toBe(false);
    expect(failsOver(new AccessDeniedError('denied', 'ssm:GetParametersByPath', '*'))).toBe(false);
    expect(failsOver(new ParameterNotFoundError('not found', ['/a']))).toBe(false);
    expect(failsOver(new InvalidRequestError('invalid'))).toBe(false);
  });
});

describe('failoverSource', () => {
  it('tries the primary again at every call, and reports which site answered', async () => {
    const primary = scripted('p', [new ServiceError('down')]);
    const fallback = scripted('f');
    const served: Served[] = [];
    const source = failoverSource('sources[1]', { source: primary.source, region: 'eu-west-1' }, { source: fallback.source, region: 'eu-central-1' }, (s) =>
      served.push(s),
    );
    expect((await source.byPath('/S/'))[0]?.value).toBe('f');
    expect((await source.byPath('/S/'))[0]?.value).toBe('p');
    expect(primary.calls()).toBe(2);
    expect(served).toEqual([
      { source: 'sources[1]', site: 'fallback', region: 'eu-central-1', reason: 'SERVICE_UNAVAILABLE' },
      { source: 'sources[1]', site: 'primary', region: 'eu-west-1' },
    ]);
  });

  it('does not fail over a call that was stopped', async () => {
    const stop = new AbortController();
    stop.abort();
    const primary = scripted('p', [new ServiceError('aborted')]);
    const fallback = scripted('f');
    const source = failoverSource('s', { source: primary.source, region: 'a' }, { source: fallback.source, region: 'b' }, () => undefined);
    await expect(source.byPath('/S/', { signal: stop.signal })).rejects.toThrow('aborted');
    expect(fallback.calls()).toBe(0);
  });
});
