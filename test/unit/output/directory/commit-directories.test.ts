import { existsSync, lstatSync, mkdirSync, rmSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as promises from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { RenderError, WriteError } from '../../../../src/errors';
import { commitFiles } from '../../../../src/output/commit';
import { MANIFEST_NAME } from '../../../../src/output/directory/safe-name';
import type { CommitFs } from '../../../../src/output/fs';
import { scratch } from '../../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const entry = (name: string, text: string | Buffer) => ({ key: `TLS/${name}`, name, content: Buffer.isBuffer(text) ? text : Buffer.from(text) });
const dir = (files: ReturnType<typeof entry>[], extra: { uid?: number } = {}) => ({
  destination: s.path('tls'),
  content: Buffer.alloc(0),
  mode: 0o600,
  files,
  ...extra,
});
const manifest = () => JSON.parse(readFileSync(s.path('tls', MANIFEST_NAME), 'utf8')) as { files: string[] };

describe('commitFiles with a `format: files` directory', () => {
  it('writes one file per entry, sub-directories included, and reports real paths without the manifest', async () => {
    const result = await commitFiles([dir([entry('CERT', 'c'), entry('SUB/KEY', Buffer.from([0, 255]))])]);
    expect(result.written).toEqual([s.path('tls/CERT'), s.path('tls/SUB/KEY')]);
    expect([...readFileSync(s.path('tls/SUB/KEY'))]).toEqual([0, 255]);
    expect(statSync(s.path('tls/SUB')).mode & 0o777).toBe(0o700);
    expect(statSync(s.path('tls/CERT')).mode & 0o777).toBe(0o600);
    expect(manifest().files).toEqual(['CERT', 'SUB/KEY']);
  });

  it('removes the files it wrote whose keys are gone, in the same commit, and never a file it did not write', async () => {
    await commitFiles([dir([entry('CERT', 'c'), entry('SUB/OLD', 'o'), entry('KEEP', 'k')])]);
    writeFileSync(s.path('tls/foreign'), 'mine');
    writeFileSync(s.path('tls/SUB/foreign'), 'mine');
    const keep = statSync(s.path('tls/KEEP')).ino;
    const result = await commitFiles([dir([entry('KEEP', 'k'), entry('NEW', 'n')])]);
    expect(result.removed).toEqual([s.path('tls/CERT'), s.path('tls/SUB/OLD')]);
    expect(result.written).toEqual([s.path('tls/NEW'), s.path('tls/CERT'), s.path('tls/SUB/OLD')]);
    expect(result.unchanged).toEqual([s.path('tls/KEEP')]);
    expect(readdirSync(s.path('tls')).sort()).toEqual([MANIFEST_NAME, 'KEEP', 'NEW', 'SUB', 'foreign'].sort());
    expect(readdirSync(s.path('tls/SUB'))).toEqual(['foreign']);
    expect(statSync(s.path('tls/KEEP')).ino).toBe(keep);
    expect(manifest().files).toEqual(['KEEP', 'NEW']);
  });

  it('leaves a stale name alone when it is no longer a regular file (a directory, a symlink), and commits the rest', async () => {
    await commitFiles([dir([entry('D', 'd'), entry('L', 'l'), entry('K', 'k')])]);
    rmSync(s.path('tls/D'));
    mkdirSync(s.path('tls/D'));
    rmSync(s.path('tls/L'));
    symlinkSync(s.path('tls/K'), s.path('tls/L'));
    const result = await commitFiles([dir([entry('K', 'k2')])]);
    expect(result.removed).toEqual([]);
    expect(lstatSync(s.path('tls/D')).isDirectory()).toBe(true);
    expect(lstatSync(s.path('tls/L')).isSymbolicLink()).toBe(true);
    expect(readFileSync(s.path('tls/K'), 'utf8')).toBe('k2');
    expect(manifest().files).toEqual(['K']);
  });

  it('removes nothing when the manifest is corrupt, and says so', async () => {
    await commitFiles([dir([entry('OLD', 'o')])]);
    writeFileSync(s.path('tls', MANIFEST_NAME), '{"version":1,');
    const notes: string[] = [];
    await commitFiles([dir([entry('NEW', 'n')])], { onManifestIgnored: (d, reason) => notes.push(`${d}: ${reason}`) });
    expect(existsSync(s.path('tls/OLD'))).toBe(true);
    expect(notes).toEqual([`${s.path('tls')}: it is not a manifest ssm-render wrote (corrupt or edited)`]);
    expect(manifest().files).toEqual(['NEW']);
  });

  it('leaves everything untouched when nothing changed: same inodes, manifest included', async () => {
    await commitFiles([dir([entry('A', 'a'), entry('S/B', 'b')])]);
    const inodes = [statSync(s.path('tls/A')).ino, statSync(s.path('tls/S/B')).ino, statSync(s.path('tls', MANIFEST_NAME)).ino];
    const result = await commitFiles([dir([entry('A', 'a'), entry('S/B', 'b')])]);
    expect(result).toEqual({ written: [], unchanged: [s.path('tls/A'), s.path('tls/S/B')], removed: [] });
    expect([statSync(s.path('tls/A')).ino, statSync(s.path('tls/S/B')).ino, statSync(s.path('tls', MANIFEST_NAME)).ino]).toEqual(inodes);
  });

  it('refuses unsafe names, naming each key, before creating anything', async () => {
    const error = await commitFiles([dir([entry('ok', 'x'), entry('../escape', 'x'), entry(MANIFEST_NAME, 'x'), entry('A', 'x'), entry('A/B', 'x')])]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RenderError);
    const message = (error as RenderError).message;
    expect(message).toContain('`TLS/../escape` cannot be a file of');
    expect(message).toContain(`\`TLS/${MANIFEST_NAME}\` cannot be a file of`);
    expect(message).toContain('`TLS/A/B` needs');
    expect(existsSync(s.path('tls'))).toBe(false);
  });

  it('refuses a symlink planted as a sub-directory, writing nothing through it', async () => {
    mkdirSync(s.path('tls'));
    mkdirSync(s.path('outside'));
    symlinkSync(s.path('outside'), s.path('tls/SUB'));
    const error = await commitFiles([dir([entry('SUB/KEY', 'secret')])]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).message).toContain(`${s.path('tls/SUB')} is not a directory`);
    expect(readdirSync(s.path('outside'))).toEqual([]);
  });

  it('writes through the directory it verified even when a symlink replaces it during the commit', async () => {
    mkdirSync(s.path('outside'));
    let swapped = false;
    // Once SUB is open and checked, move it away and plant a symlink at its name: a commit that
    // went by path would now write into `outside`.
    const racing: CommitFs = {
      ...promises,
      open: (async (path: string, flags?: string | number, mode?: number) => {
        const handle = await promises.open(path, flags, mode);
        if (!swapped && typeof flags === 'number' && String(path).endsWith('/SUB')) {
          swapped = true;
          renameSync(s.path('tls/SUB'), s.path('tls/SUB-moved'));
          symlinkSync(s.path('outside'), s.path('tls/SUB'));
        }
        return handle;
      }) as CommitFs['open'],
    };
    await commitFiles([dir([entry('SUB/KEY', 'secret')])], { fs: racing });
    expect(swapped).toBe(true);
    expect(readdirSync(s.path('outside'))).toEqual([]);
    expect(readFileSync(s.path('tls/SUB-moved/KEY'), 'utf8')).toBe('secret');
  });

  it('is all or nothing: when removing a stale file fails, the files already renamed are put back and the manifest is unchanged', async () => {
    await commitFiles([dir([entry('A', 'old-a'), entry('S/GONE', 'g')])]);
    const manifestBefore = readFileSync(s.path('tls', MANIFEST_NAME), 'utf8');
    const failing: CommitFs = {
      ...promises,
      unlink: (async (path: string) => {
        if (String(path).endsWith('/GONE')) throw Object.assign(new Error('refused'), { code: 'EPERM' });
        return promises.unlink(path);
      }) as CommitFs['unlink'],
    };
    const error = await commitFiles([dir([entry('A', 'new-a'), entry('B', 'new-b')])], { fs: failing }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).message).toContain(`Cannot remove ${s.path('tls/S/GONE')} (EPERM)`);
    expect((error as WriteError).message).toContain('no destination changed');
    expect(readFileSync(s.path('tls/A'), 'utf8')).toBe('old-a');
    expect(existsSync(s.path('tls/B'))).toBe(false);
    expect(readFileSync(s.path('tls/S/GONE'), 'utf8')).toBe('g');
    expect(readFileSync(s.path('tls', MANIFEST_NAME), 'utf8')).toBe(manifestBefore);
    expect(readdirSync(s.path('tls')).filter((n) => n.includes('.tmp') || n.includes('.lock'))).toEqual([]);
  });

  it('is refused with commit: snapshot', async () => {
    await expect(commitFiles([dir([entry('A', 'a')])], { mode: 'snapshot' })).rejects.toThrow(/cannot be committed with `commit: snapshot`/);
  });
});
