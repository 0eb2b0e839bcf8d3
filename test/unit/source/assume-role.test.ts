import { describe, expect, it } from 'vitest';
import { sessionName } from '../../../src/source/assume-role';

describe('sessionName', () => {
  it('is ssm-render-<hostname>, within STS 64 characters and its alphabet', () => {
    expect(sessionName('web-1.internal')).toBe('ssm-render-web-1.internal');
    const long = sessionName('x'.repeat(100));
    expect(long).toHaveLength(64);
    expect(long.startsWith('ssm-render-xxx')).toBe(true);
    expect(sessionName('pod name/1')).toBe('ssm-render-pod-name-1');
  });
});
