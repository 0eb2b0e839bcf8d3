import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteError } from '../../../src/errors';
import { LOCK_NAME, lockDirectories } from '../../../src/output/lock';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const lockPath = () => join(s.dir, LOCK_NAME);
const here = { ns: readlinkSync('/proc/self/ns/pid'), boot: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() };
const age = (path: string, ms: number) => {
  const when = new Date(Date.now() - ms);
  utimesSync(path, when, when);
};
const plant = (text: string, ageMs = 0) => {
  writeFileSync(lockPath(), text);
  age(lockPath(), ageMs);
};
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid as number;
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail('expected the lock to stay taken'),
    (e: unknown) => e as WriteError,
  );

describe('lockDirectories: who holds a lock', () => {
  it('a lock this process id left in an earlier life (a restarted container keeps its pid) is taken at once', async () => {
    plant(JSON.stringify({ pid: process.pid, ...here, token: 'from-an-earlier-run' }));
    const unlock = await lockDirectories([s.dir], { timeoutMs: 2_000 });
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))).toMatchObject({ pid: process.pid });
    expect(JSON.parse(readFileSync(lockPath(), 'utf8'))['token']).not.toBe('from-an-earlier-run');
    await unlock();
  });

  it('a holder in another PID namespace is not judged by a pid that means nothing here: it keeps a fresh lock', async () => {
    plant(JSON.stringify({ pid: deadPid(), ns: 'pid:[1]', boot: here.boot, token: 'feedfacefeedface' }));
    const error = await refusal(lockDirectories([s.dir], { timeoutMs: 300 }));
    expect(error).toBeInstanceOf(WriteError);
    expect(existsSync(lockPath())).toBe(true);
  });

  it.each([
    ['a pid that is not a number', JSON.stringify({ pid: '12345', ...here, token: 'feedfacefeedface' })],
    ['no token', JSON.stringify({ pid: 12345, ...here })],
    ['text that is not JSON', 'pid 12345'],
  ])('a lock with %s is judged by its age alone, and its pid is not quoted', async (_name, text) => {
    plant(text);
    const error = await refusal(lockDirectories([s.dir], { timeoutMs: 300 }));
    expect(error.message).toBe(`Cannot lock the directory ${s.dir}: another ssm-render holds ${lockPath()}`);
    plant(text, 60_000);
    await (
      await lockDirectories([s.dir], { timeoutMs: 2_000 })
    )();
  });

  it('leaves a stale lock to a waiter already breaking it, and takes over from one that died doing so', async () => {
    const dead = JSON.stringify({ pid: 12345, ...here, token: 'feedfacefeedface' });
    plant(dead, 60_000);
    writeFileSync(`${lockPath()}.break`, '');
    await refusal(lockDirectories([s.dir], { timeoutMs: 300, staleMs: 10_000 }));
    expect(existsSync(lockPath())).toBe(true);
    age(`${lockPath()}.break`, 60_000);
    const unlock = await lockDirectories([s.dir], { timeoutMs: 3_000, staleMs: 10_000 });
    expect(existsSync(`${lockPath()}.break`)).toBe(false);
    await unlock();
  });

  it('two writers over the same directories, named in opposite orders, both finish: locks are taken in one order', async () => {
    const a = join(s.dir, 'a');
    const b = join(s.dir, 'b');
    mkdirSync(a);
    mkdirSync(b);
    const hold = async (dirs: string[]) => {
      const unlock = await lockDirectories(dirs, { timeoutMs: 3_000 });
      await new Promise((r) => setTimeout(r, 50));
      await unlock();
    };
    await expect(Promise.all([hold([a, b]), hold([b, a])])).resolves.toEqual([undefined, undefined]);
  });

  it('unlocking twice is harmless', async () => {
    const unlock = await lockDirectories([s.dir]);
    await unlock();
    await expect(unlock()).resolves.toBeUndefined();
    expect(existsSync(lockPath())).toBe(false);
  });
});
