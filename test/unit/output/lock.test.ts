import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteError } from '../../../src/errors';
import { LOCK_NAME, lockDirectories, releaseLocksNow } from '../../../src/output/lock';
import { recordingFs } from '../../support/recording-fs';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const lockPath = () => join(s.dir, LOCK_NAME);
const here = { ns: readlinkSync('/proc/self/ns/pid'), boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() };
const plant = (holder: Record<string, unknown>, ageMs = 0) => {
  writeFileSync(lockPath(), JSON.stringify({ token: 'feedfacefeedface', ...holder }));
  const when = new Date(Date.now() - ageMs);
  utimesSync(lockPath(), when, when);
};
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid as number;
const timed = async <T>(work: Promise<T>) => {
  const start = Date.now();
  const value = await work;
  return { value, ms: Date.now() - start };
};

describe('lockDirectories', () => {
  it('creates a lock file naming this process, and removes it on unlock', async () => {
    const unlock = await lockDirectories([s.dir]);
    const holder = JSON.parse(readFileSync(lockPath(), 'utf8')) as Record<string, unknown>;
    expect(holder).toMatchObject({ pid: process.pid, ns: here.ns, boot: here.boot });
    await unlock();
    expect(existsSync(lockPath())).toBe(false);
  });

  it('takes over at once a lock whose holder is gone (same PID namespace)', async () => {
    plant({ pid: deadPid(), ...here });
    const { value: unlock, ms } = await timed(lockDirectories([s.dir], { timeoutMs: 5_000 }));
    expect(ms).toBeLessThan(1_000);
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    await unlock();
  });

  it('waits for a live holder and, past the timeout, names the lock and its pid', async () => {
    const child = spawn('sleep', ['30']);
    try {
      plant({ pid: child.pid, ...here });
      const error = (await lockDirectories([s.dir], { timeoutMs: 300 }).catch((e: unknown) => e)) as WriteError;
      expect(error).toBeInstanceOf(WriteError);
      expect(error.exitCode).toBe(5);
      expect(error.message).toBe(`Cannot lock the directory ${s.dir}: another ssm-render (pid ${child.pid}) holds ${lockPath()}`);
      expect(error.hint).toContain(`remove ${lockPath()}`);
      const waiting = lockDirectories([s.dir], { timeoutMs: 10_000 });
      child.kill('SIGKILL');
      await (
        await waiting
      )();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a holder it cannot check (another PID namespace) keeps the lock until its heartbeat is stale', async () => {
    plant({ pid: 1, ns: 'pid:[1]', boot: here.boot });
    const { value: unlock, ms } = await timed(lockDirectories([s.dir], { staleMs: 600, timeoutMs: 5_000 }));
    expect(ms).toBeGreaterThanOrEqual(450);
    await unlock();
    plant({ pid: 1, ns: 'pid:[1]', boot: here.boot }, 60_000);
    const again = await timed(lockDirectories([s.dir], { staleMs: 600, timeoutMs: 5_000 }));
    expect(again.ms).toBeLessThan(450);
    await again.value();
  });

  it('an unreadable or empty lock is judged by its age alone', async () => {
    writeFileSync(lockPath(), '');
    const error = await lockDirectories([s.dir], { staleMs: 5_000, timeoutMs: 200 }).catch((e: unknown) => e);
    expect((error as WriteError).message).toBe(`Cannot lock the directory ${s.dir}: another ssm-render holds ${lockPath()}`);
    utimesSync(lockPath(), new Date(0), new Date(0));
    await (
      await lockDirectories([s.dir], { staleMs: 5_000, timeoutMs: 2_000 })
    )();
  });

  it('does not follow a symlink planted at the lock path, nor wait on a FIFO behind it', async () => {
    spawnSync('mkfifo', [join(s.dir, 'fifo')]);
    symlinkSync(join(s.dir, 'fifo'), lockPath());
    const unlock = await lockDirectories([s.dir], { staleMs: 300, timeoutMs: 5_000 });
    expect(statSync(lockPath()).isFile()).toBe(true);
    await unlock();
  });

  it('keeps its lock fresh while held, so a waiter does not break it', async () => {
    const unlock = await lockDirectories([s.dir], { staleMs: 400 });
    const taken = statSync(lockPath()).mtimeMs;
    const waiter = lockDirectories([s.dir], { staleMs: 400, timeoutMs: 900 }).catch((e: unknown) => e);
    expect(await waiter).toBeInstanceOf(WriteError);
    expect(statSync(lockPath()).mtimeMs).toBeGreaterThan(taken);
    await unlock();
  });

  it('a second lock in the same process waits for the first', async () => {
    const first = await lockDirectories([s.dir]);
    let second: (() => Promise<void>) | undefined;
    const waiting = lockDirectories([s.dir]).then((u) => (second = u));
    await new Promise((r) => setTimeout(r, 150));
    expect(second).toBeUndefined();
    await first();
    await waiting;
    expect(second).toBeDefined();
    await second?.();
  });

  it('locks several directories in one order and releases what it took when one fails', async () => {
    const other = scratch();
    try {
      const { fs, calls } = recordingFs((op, path) => (op === 'open' && path === join(other.dir, LOCK_NAME) ? 'EACCES' : undefined));
      const error = (await lockDirectories([other.dir, s.dir], { fs }).catch((e: unknown) => e)) as WriteError;
      // both scratch directories sort the same way as their random names; whichever came first was released
      expect(error.message).toBe(`Cannot lock the directory ${other.dir} (EACCES)`);
      expect(existsSync(lockPath())).toBe(false);
      const opens = calls.filter((c) => c.startsWith('open ')).map((c) => c.slice(5));
      expect(opens[0]).toBe(join([other.dir, s.dir].sort()[0] as string, LOCK_NAME));
    } finally {
      other.cleanup();
    }
  });

  it('releaseLocksNow removes every held lock at once, for a forced exit', async () => {
    await lockDirectories([s.dir]);
    releaseLocksNow();
    expect(existsSync(lockPath())).toBe(false);
  });

  it('honours a stop request while it waits', async () => {
    plant({ pid: 1, ns: 'pid:[1]', boot: here.boot });
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const error = await lockDirectories([s.dir], { signal: stop.signal, timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });
});
