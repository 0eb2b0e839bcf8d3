import { describe, expect, it } from 'vitest';
import { MANIFEST_NAME, unsafeNameReason } from '../../../../src/output/directory/safe-name';

describe('unsafeNameReason', () => {
  it.each(['KEYSTORE', 'tls.crt', 'conf.d/app.conf', 'a/b/c', '.hidden', 'a.b', 'x..y', 'x'.repeat(255), 'é'.repeat(127)])('accepts %s', (name) => {
    expect(unsafeNameReason(name)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['..', /`\.\.` segment/],
    ['.', /`\.` segment/],
    ['a/../../etc/passwd', /`\.\.` segment/],
    ['a/./b', /`\.` segment/],
    ['a//b', /empty path segment/],
    ['a/', /empty path segment/],
    ['/etc/passwd', /starts with `\/`/],
    ['a\0b', /NUL/],
    ['x'.repeat(256), /longer than 255 bytes/],
    ['é'.repeat(128), /longer than 255 bytes/],
    [MANIFEST_NAME, /\.ssm-render/],
    ['sub/.ssm-render.lock', /\.ssm-render/],
    ['.KEY.ssm-render-0123456789ab.tmp', /\.ssm-render/],
    ['..data', /starts with `\.\.`/],
    ['sub/..2026_12_06_21_30_00.123456789', /starts with `\.\.`/],
  ])('refuses %j', (name, reason) => {
    expect(unsafeNameReason(name)).toMatch(reason);
  });
});
