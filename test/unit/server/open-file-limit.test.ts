import { describe, expect, it } from 'vitest';
import { openFileLimit } from '../../../src/server/open-file-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            256                  4096                 files
Max locked memory         8388608              8388608              bytes
`;

describe('openFileLimit', () => {
  it('reads the soft limit on open files', () => expect(openFileLimit(() => LIMITS)).toBe(256));

  it('is undefined when unlimited, or without /proc', () => {
    expect(openFileLimit(() => LIMITS.replace(/256 {18}/, 'unlimited          '))).toBeUndefined();
    expect(
      openFileLimit(() => {
        throw Object.assign(new Error('no /proc'), { code: 'ENOENT' });
      }),
    ).toBeUndefined();
  });

  it("reads this process's own limit on Linux", () => {
    expect(openFileLimit()).toBeGreaterThan(0);
  });
});
