import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { microTime } from '../../../src/share/kube-objects';
import { decodeVersions, encodeVersions } from '../../../src/share/versions-codec';

const versions = new Map([
  ['/APP/PROD/DB/PASSWORD', 3],
  ['/APP/PROD/API_KEY', 1],
  ['/shared/KEY:2', 2],
]);
const AT = Date.parse('2026-12-06T23:00:00.000Z');

describe('encodeVersions', () => {
  it('writes three data keys the API server accepts ([-._a-zA-Z0-9]+): the versions as one JSON key, its sha256, the check time', () => {
    const data = encodeVersions('/APP/PROD/', versions, AT);
    expect(Object.keys(data).sort()).toEqual(['checked-at', 'sha256', 'versions.json']);
    for (const key of Object.keys(data)) expect(key).toMatch(/^[-._a-zA-Z0-9]+$/);
    expect(JSON.parse(data['versions.json'] as string)).toEqual({
      path: '/APP/PROD/',
      versions: { '/APP/PROD/API_KEY': 1, '/APP/PROD/DB/PASSWORD': 3, '/shared/KEY:2': 2 },
    });
    expect(data['sha256']).toBe(
      createHash('sha256')
        .update(data['versions.json'] as string)
        .digest('hex'),
    );
    expect(data['checked-at']).toBe('2026-12-06T23:00:00.000Z');
  });

  it('is the same document whatever order the names came in, so the hash moves only when a version does', () => {
    const reversed = new Map([...versions].reverse());
    expect(encodeVersions('/APP/PROD/', reversed, AT)['sha256']).toBe(encodeVersions('/APP/PROD/', versions, AT)['sha256']);
    expect(encodeVersions('/APP/PROD/', versions, AT + 60_000)['sha256']).toBe(encodeVersions('/APP/PROD/', versions, AT)['sha256']);
    const moved = new Map(versions).set('/APP/PROD/API_KEY', 2);
    expect(encodeVersions('/APP/PROD/', moved, AT)['sha256']).not.toBe(encodeVersions('/APP/PROD/', versions, AT)['sha256']);
  });
});

describe('decodeVersions', () => {
  it('reads back what encodeVersions wrote', () => {
    const decoded = decodeVersions(encodeVersions('/APP/PROD/', versions, AT));
    expect(decoded).toMatchObject({ path: '/APP/PROD/', checkedAt: AT });
    expect(decoded instanceof Error || decoded === undefined ? undefined : [...decoded.versions].sort()).toEqual([...versions].sort());
  });

  it('an empty ConfigMap (created for the Role, never written) is no publication yet', () => {
    expect(decodeVersions(undefined)).toBeUndefined();
    expect(decodeVersions({})).toBeUndefined();
  });

  it('refuses what it cannot trust, naming what is wrong', () => {
    const good = encodeVersions('/APP/PROD/', versions, AT);
    expect(decodeVersions({ ...good, sha256: 'f'.repeat(64) })).toEqual(new Error("the ConfigMap's sha256 does not match its versions.json"));
    expect(decodeVersions({ ...good, 'checked-at': 'yesterday' })).toEqual(new Error("the ConfigMap's checked-at is not a time"));
    const doc = (body: string) => ({
      'versions.json': body,
      sha256: createHash('sha256').update(body).digest('hex'),
      'checked-at': good['checked-at'] as string,
    });
    expect(decodeVersions(doc('{'))).toEqual(new Error("the ConfigMap's versions.json is not JSON"));
    expect(decodeVersions(doc('[1]'))).toEqual(new Error("the ConfigMap's versions.json is not { path, versions }"));
    expect(decodeVersions(doc('{"path":"/A/","versions":{"/A/X":"secret"}}'))).toEqual(
      new Error("the ConfigMap's versions.json gives /A/X a version that is not a positive integer"),
    );
    expect(decodeVersions(doc('{"path":"/A/","versions":{"/A/X":0}}'))).toBeInstanceOf(Error);
  });
});

describe('microTime', () => {
  it('has exactly six fractional digits, as the API server wants for a Lease', () => {
    expect(microTime(Date.parse('2026-12-06T23:00:01.234Z'))).toBe('2026-12-06T23:00:01.234000Z');
  });
});
