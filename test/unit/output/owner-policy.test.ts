import { describe, expect, it } from 'vitest';
import { WriteError } from '../../../src/errors';
import type { Existing } from '../../../src/output/inspect';
import { ownerDiffers, ownerFor, processIdentity, writableByOthers, type DirectoryInfo } from '../../../src/output/owner-policy';

const ROOT = { uid: 0, gid: 0 };
const file = (uid: number, gid: number, kind: Existing['kind'] = 'file'): Existing => ({
  kind,
  content: Buffer.from('x'),
  target: undefined,
  mode: 0o640,
  uid,
  gid,
});
const dir = (mode: number, uid = 0, gid = 0): DirectoryInfo => ({ path: '/srv/app', mode, uid, gid });
const at = (d: DirectoryInfo) => () => d;
const DEST = { destination: '/srv/app/app.env' };

describe('processIdentity', () => {
  it('is the real uid and gid of the process', () => {
    expect(processIdentity()).toEqual({ uid: process.getuid?.(), gid: process.getgid?.() });
  });
});

describe('writableByOthers', () => {
  it.each([
    ['0755 owned by the process', dir(0o755, 1000), false],
    ['group-writable (0775)', dir(0o775, 1000), true],
    ['writable by anyone (0757)', dir(0o757, 1000), true],
    ['0755 owned by another user', dir(0o755, 2000), true],
  ])('%s: %s', (_name, d, expected) => {
    expect(writableByOthers(d, { uid: 1000, gid: 1000 })).toBe(expected);
  });
});

describe('ownerFor', () => {
  it('takes the configured uid and gid, either alone leaving the other part as it comes (-1)', () => {
    const never = () => {
      throw new Error('the directory is not consulted when the owner is configured');
    };
    expect(ownerFor({ ...DEST, uid: 1000, gid: 2000 }, file(0, 0), never, ROOT)).toEqual({ uid: 1000, gid: 2000 });
    expect(ownerFor({ ...DEST, uid: 1000 }, undefined, never, { uid: 1000, gid: 1000 })).toEqual({ uid: 1000, gid: -1 });
    expect(ownerFor({ ...DEST, gid: 0 }, undefined, never, ROOT)).toEqual({ uid: -1, gid: 0 });
  });

  it('leaves the owner as a new file gets it when the process is not root, or nothing regular is there', () => {
    expect(ownerFor(DEST, file(2000, 2000), at(dir(0o755)), { uid: 1000, gid: 1000 })).toBeUndefined();
    expect(ownerFor(DEST, undefined, at(dir(0o755)), ROOT)).toBeUndefined();
    expect(ownerFor(DEST, file(2000, 2000, 'symlink'), at(dir(0o777, 2000)), ROOT)).toBeUndefined();
    expect(ownerFor(DEST, file(2000, 2000, 'other'), at(dir(0o777, 2000)), ROOT)).toBeUndefined();
  });

  it('as root keeps the owner of an existing file in a directory only root can write, when it differs in uid or in gid', () => {
    expect(ownerFor(DEST, file(0, 0), at(dir(0o755)), ROOT)).toBeUndefined();
    expect(ownerFor(DEST, file(1000, 1000), at(dir(0o755)), ROOT)).toEqual({ uid: 1000, gid: 1000 });
    expect(ownerFor(DEST, file(0, 1000), at(dir(0o755)), ROOT)).toEqual({ uid: 0, gid: 1000 });
    expect(ownerFor(DEST, file(1000, 0), at(dir(0o755)), ROOT)).toEqual({ uid: 1000, gid: 0 });
  });

  it("counts a setgid directory's group as what a new file gets anyway", () => {
    expect(ownerFor(DEST, file(0, 50), at(dir(0o2755, 0, 50)), ROOT)).toBeUndefined();
    expect(ownerFor(DEST, file(0, 50), at(dir(0o755, 0, 50)), ROOT)).toEqual({ uid: 0, gid: 50 });
  });

  it.each([
    ['group-writable', dir(0o775)],
    ['owned by another user', dir(0o755, 2000, 2000)],
  ])('refuses to keep a foreign owner in a directory %s, naming the file, the directory and the owner', (_name, d) => {
    let error: unknown;
    try {
      ownerFor(DEST, file(1000, 1001), at(d), ROOT);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).message).toBe(
      'Refusing to write /srv/app/app.env: its directory /srv/app is writable by other users and the file there belongs to uid 1000 gid 1001, so keeping that owner could hand the secrets to whoever created it',
    );
    expect((error as WriteError).hint).toBe(
      'set uid and gid on this template to the owner the file should have, or write into a directory only uid 0 can write',
    );
  });
});

describe('ownerDiffers', () => {
  it.each([
    ['no owner to set', undefined, false],
    ['both parts left as they are (-1)', { uid: -1, gid: -1 }, false],
    ['the same owner', { uid: 1000, gid: 1001 }, false],
    ['another uid', { uid: 7, gid: 1001 }, true],
    ['another gid', { uid: 1000, gid: 7 }, true],
    ['another uid, gid left', { uid: 7, gid: -1 }, true],
    ['uid left, another gid', { uid: -1, gid: 7 }, true],
    ['uid left, same gid', { uid: -1, gid: 1001 }, false],
    ['same uid, gid left', { uid: 1000, gid: -1 }, false],
  ])('%s: %s', (_name, owner, expected) => {
    expect(ownerDiffers(owner, file(1000, 1001))).toBe(expected);
  });
});
