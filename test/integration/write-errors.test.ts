import { chmodSync, chownSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { bundleForAnyUser, isolatedEnv, runCli, type CliResult } from '../support/run-cli';
import { scratch } from '../support/tmp';

// Real kernel errors need a real sandbox: bubblewrap gives a read-only mount, a non-root uid and a
// single-file bind mount, exactly as a container would.
const BWRAP = spawnSync('bwrap', ['--version']).status === 0;
const CANARY = 'CANARY-w41te-3e9c';

let fake: FakeSsm;
let dir: ReturnType<typeof scratch>;
beforeAll(async () => {
  if (!BWRAP) throw new Error('bubblewrap is not installed: install the Debian package bubblewrap');
  fake = await startFakeSsm();
  fake.put('/APP/PROD/DB/PASSWORD', `pw-${CANARY}`, { type: 'SecureString' });
  fake.put('/APP/PROD/DB/USER', 'app', { type: 'String' });
});
afterAll(() => fake.close());
beforeEach(() => {
  dir = scratch();
  chmodSync(dir.dir, 0o755);
  dir.write(
    'ssm-render.yaml',
    'prefix: /APP\nenv: PROD\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n  - format: json\n    destination: out/app.json\n',
  );
  mkdirSync(dir.path('out'), { mode: 0o755 });
});
afterEach(() => dir.cleanup());

const env = () => isolatedEnv({ AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 's', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: fake.url });

function inSandbox(sandbox: string[]): Promise<CliResult> {
  return runCli(['render'], {
    cwd: dir.dir,
    env: env(),
    node: ['bwrap', '--bind', '/', '/', '--dev', '/dev', '--proc', '/proc', ...sandbox, '--chdir', dir.dir, process.execPath],
  });
}

/** As a real non-root user (a user namespace would map uid 65532 back onto root's files). */
function asUser(uid: number): Promise<CliResult> {
  return runCli(['render'], {
    cwd: dir.dir,
    env: env(),
    bundle: bundleForAnyUser(),
    node: ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath],
  });
}

function expectWriteError(result: CliResult, code: string): void {
  expect(result.stdout + result.stderr).not.toContain(CANARY);
  expect(result.code, result.stderr).toBe(5);
  const last = result.logs[result.logs.length - 1] ?? {};
  expect(last).toMatchObject({ code: 'WRITE_FAILED', exitCode: 5 });
  expect(String(last['msg'])).toContain(dir.path('out'));
  expect(String(last['msg'])).toContain(code);
  expect(last['hint']).toBeTruthy();
}

describe('write errors exit 5, name the path, and leave nothing behind', () => {
  it('EROFS: a read-only volume', async () => {
    writeFileSync(dir.path('out/app.env'), 'OLD=1\n');
    const result = await inSandbox(['--ro-bind', dir.path('out'), dir.path('out')]);
    expectWriteError(result, 'EROFS');
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toBe('OLD=1\n');
  });

  it('EACCES: a directory the non-root uid 65532 may not write', async () => {
    const result = await asUser(65532);
    expectWriteError(result, 'EACCES');
    expect(readdirSync(dir.path('out'))).toEqual([]);
  });

  it('runs as a uid with no passwd entry and no HOME, as a bare container runtime may start it', async () => {
    chmodSync(dir.path('out'), 0o777);
    const result = await runCli(['render'], {
      cwd: dir.dir,
      env: { ...env(), HOME: '' },
      bundle: bundleForAnyUser(),
      node: ['setpriv', '--reuid=65532', '--regid=65532', '--clear-groups', 'env', '-u', 'HOME', process.execPath],
    });
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(dir.path('out')).sort()).toEqual(['app.env', 'app.json']);
  });

  it('a file bind-mounted on its own is rewritten in place, with a warning', async () => {
    writeFileSync(dir.path('out/app.env'), 'OLD=1\n');
    const inode = statSync(dir.path('out/app.env')).ino;
    const result = await inSandbox(['--bind', dir.path('out/app.env'), dir.path('out/app.env')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain(CANARY);
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toContain('DB_USER=');
    expect(statSync(dir.path('out/app.env')).ino).toBe(inode);
    expect(result.logs.some((l) => l['level'] === 'warn' && /EBUSY/.test(String(l['msg'])) && l['destination'] === dir.path('out/app.env'))).toBe(true);
    expect(readdirSync(dir.path('out')).sort()).toEqual(['app.env', 'app.json']);
  });

  it('a failed rename of the second file puts the first back, and says so', async () => {
    writeFileSync(dir.path('out/app.env'), 'OLD=1\n');
    chmodSync(dir.path('out/app.env'), 0o604);
    writeFileSync(dir.path('out/app.json'), '{"OLD": 2}\n');
    // An immutable file cannot be renamed over: the second rename fails with EPERM.
    if (spawnSync('chattr', ['+i', dir.path('out/app.json')]).status !== 0)
      throw new Error('chattr +i failed: this test needs a file system with immutable files (ext4, tmpfs)');
    try {
      const result = await runCli(['render'], { cwd: dir.dir, env: env() });
      expectWriteError(result, 'EPERM');
      const last = result.logs[result.logs.length - 1] ?? {};
      expect(last['msg']).toBe(
        `Cannot rename a temp file onto ${dir.path('out/app.json')} (EPERM); rolled back ${dir.path('out/app.env')}; no destination changed`,
      );
      expect(String(last['hint'])).toMatch(/immutable/);
      expect(String(last['hint'])).not.toMatch(/uid\/gid/);
      expect(readFileSync(dir.path('out/app.env'), 'utf8')).toBe('OLD=1\n');
      expect(statSync(dir.path('out/app.env')).mode & 0o7777).toBe(0o604);
      expect(readdirSync(dir.path('out')).sort()).toEqual(['app.env', 'app.json']);
    } finally {
      spawnSync('chattr', ['-i', dir.path('out/app.json')]);
    }
  });

  it.skipIf(process.getuid?.() !== 0)('as root, refuses to keep the owner of a file another user pre-created in a world-writable directory', async () => {
    chmodSync(dir.path('out'), 0o1777);
    writeFileSync(dir.path('out/app.env'), '');
    chownSync(dir.path('out/app.env'), 1234, 1234);
    const result = await runCli(['render'], { cwd: dir.dir, env: env() });
    expect(result.stdout + result.stderr).not.toContain(CANARY);
    expect(result.code, result.stderr).toBe(5);
    const last = result.logs[result.logs.length - 1] ?? {};
    expect(String(last['msg'])).toContain(`its directory ${dir.path('out')} is writable by other users`);
    expect(String(last['hint'])).toMatch(/set uid and gid on this template/);
    expect(readFileSync(dir.path('out/app.env'), 'utf8')).toBe('');
    expect(readdirSync(dir.path('out'))).toEqual(['app.env']);
  });
});
