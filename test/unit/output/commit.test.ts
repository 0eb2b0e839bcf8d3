import { readdirSync, readFileSync, statSync, writeFileSync, chmodSync, symlinkSync, lstatSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { commitFiles } from '../../../src/output/commit';
import { WriteError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const file = (name: string, text: string, mode = 0o640) => ({ destination: s.path(name), content: Buffer.from(text), mode });
const modeOf = (p: string) => statSync(p).mode & 0o7777;

describe('commitFiles', () => {
  it('writes new files with the mode asked for, creating parents with 0750', async () => {
    const result = await commitFiles([file('deep/er/app.env', 'A=1\n'), file('other.yaml', 'a: 1\n', 0o600)]);
    expect(result.written).toHaveLength(2);
    expect(readFileSync(s.path('deep/er/app.env'), 'utf8')).toBe('A=1\n');
    expect(modeOf(s.path('deep/er/app.env'))).toBe(0o640);
    expect(modeOf(s.path('other.yaml'))).toBe(0o600);
    expect(modeOf(s.path('deep'))).toBe(0o750);
    expect(modeOf(s.path('deep/er'))).toBe(0o750);
  });

  it('leaves a file with the same bytes untouched: same inode, same mtime', async () => {
    await commitFiles([file('app.env', 'A=1\n')]);
    const before = statSync(s.path('app.env'));
    await new Promise((r) => setTimeout(r, 20));
    const result = await commitFiles([file('app.env', 'A=1\n')]);
    const after = statSync(s.path('app.env'));
    expect(result).toEqual({ written: [], unchanged: [s.path('app.env')] });
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('replaces a changed file with a new inode (rename), and fixes a drifted mode without rewriting', async () => {
    await commitFiles([file('app.env', 'A=1\n')]);
    const first = statSync(s.path('app.env'));
    await commitFiles([file('app.env', 'A=2\n')]);
    expect(statSync(s.path('app.env')).ino).not.toBe(first.ino);
    chmodSync(s.path('app.env'), 0o666);
    const mtime = statSync(s.path('app.env')).mtimeMs;
    const result = await commitFiles([file('app.env', 'A=2\n')]);
    expect(result.unchanged).toHaveLength(1);
    expect(modeOf(s.path('app.env'))).toBe(0o640);
    expect(statSync(s.path('app.env')).mtimeMs).toBe(mtime);
  });

  it('writes nothing when any file cannot be staged, and leaves no temp file', async () => {
    writeFileSync(s.path('app.env'), 'OLD\n');
    writeFileSync(s.path('blocker'), 'a file where a directory should be');
    const error = await commitFiles([file('app.env', 'NEW\n'), file('blocker/x.yaml', 'a: 1\n')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WriteError);
    expect((error as WriteError).exitCode).toBe(5);
    expect((error as WriteError).message).toMatch(/blocker/);
    expect(readFileSync(s.path('app.env'), 'utf8')).toBe('OLD\n');
    expect(readdirSync(s.dir).filter((n) => n.includes('ssm-render'))).toEqual([]);
  });

  it('removes temp files a killed earlier run left behind', async () => {
    writeFileSync(s.path('.app.env.ssm-render-0123456789ab.tmp'), 'half');
    await commitFiles([file('app.env', 'A=1\n')]);
    expect(readdirSync(s.dir).sort()).toEqual(['app.env']);
  });

  it('replaces a symlink instead of writing through it', async () => {
    writeFileSync(s.path('target'), 'precious\n');
    symlinkSync(s.path('target'), s.path('app.env'));
    await commitFiles([file('app.env', 'A=1\n')]);
    expect(lstatSync(s.path('app.env')).isSymbolicLink()).toBe(false);
    expect(readFileSync(s.path('target'), 'utf8')).toBe('precious\n');
  });

  it('in a dry run reports what would change and writes nothing', async () => {
    writeFileSync(s.path('same.env'), 'A=1\n');
    const result = await commitFiles([file('same.env', 'A=1\n'), file('new.env', 'B=2\n')], { dryRun: true });
    expect(result).toEqual({ written: [s.path('new.env')], unchanged: [s.path('same.env')] });
    expect(readdirSync(s.dir)).toEqual(['same.env']);
  });

  it.skipIf(process.getuid?.() !== 0)('sets the owner when asked (needs root)', async () => {
    await commitFiles([{ ...file('owned.env', 'A=1\n'), uid: 1234, gid: 5678 }]);
    const st = statSync(s.path('owned.env'));
    expect([st.uid, st.gid]).toEqual([1234, 5678]);
  });
});
