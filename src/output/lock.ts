import { randomBytes } from 'node:crypto';
import { constants, readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { WriteError } from '../errors';
import { nodeFs, type CommitFs } from './fs';
import { writeError } from './write-error';

export const LOCK_NAME = '.ssm-render.lock';

export interface LockOptions {
  readonly fs?: CommitFs | undefined;
  readonly signal?: AbortSignal | undefined;
  /** How long to wait for another writer before giving up. */
  readonly timeoutMs?: number | undefined;
  /** A lock whose holder cannot be checked (another PID namespace) is taken over after this long without a heartbeat. */
  readonly staleMs?: number | undefined;
}

/** Who holds a lock: enough to tell, from the same PID namespace, whether the holder still runs. */
interface Holder {
  readonly pid: number;
  readonly ns: string;
  readonly boot: string;
  readonly token: string;
}

const readOr = (read: () => string): string => {
  try {
    return read().trim();
  } catch {
    return '';
  }
};
const here = { ns: readOr(() => readlinkSync('/proc/self/ns/pid')), boot: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')) };

/** Locks this process holds, by lock path, so that a forced exit can still remove them. */
const held = new Map<string, { token: string; heartbeat: ReturnType<typeof setInterval> }>();

const parse = (text: string): Holder | undefined => {
  try {
    const h = JSON.parse(text) as Holder;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
};

/** true: the holder runs; false: it is gone; undefined: it cannot be told from here. */
function holderRuns(path: string, holder: Holder | undefined): boolean | undefined {
  if (!holder || !here.ns || holder.ns !== here.ns || holder.boot !== here.boot) return undefined;
  if (holder.pid === process.pid) return held.get(path)?.token === holder.token;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's text; never follows a symlink nor waits on a FIFO someone put in its place. */
async function readLock(fs: CommitFs, path: string): Promise<string | undefined> {
  try {
    const handle = await fs.open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      return (await handle.readFile('utf8')).slice(0, 1024);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

async function isStale(fs: CommitFs, path: string, text: string, staleMs: number): Promise<boolean> {
  const runs = holderRuns(path, parse(text));
  if (runs === false) return true;
  const info = await fs.lstat(path).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > staleMs;
}

/**
 * Remove a stale lock. Breakers take turns through a second exclusive file and check again under
 * it, so that two of them never remove a lock a third has just taken.
 */
async function breakLock(fs: CommitFs, path: string, seen: string, staleMs: number): Promise<boolean> {
  const guard = `${path}.break`;
  try {
    await (await fs.open(guard, 'wx', 0o644)).close();
  } catch {
    // Another waiter is breaking it; a guard left by a killed one goes once it is stale itself.
    const info = await fs.lstat(guard).catch(() => undefined);
    if (info && Date.now() - info.mtimeMs > staleMs) await fs.unlink(guard).catch(() => undefined);
    return false;
  }
  try {
    if (((await readLock(fs, path)) ?? '') !== seen) return false;
    return await fs.unlink(path).then(
      () => true,
      () => false,
    );
  } finally {
    await fs.unlink(guard).catch(() => undefined);
  }
}

async function acquire(fs: CommitFs, dir: string, options: LockOptions): Promise<string> {
  const path = join(dir, LOCK_NAME);
  const me: Holder = { pid: process.pid, ns: here.ns, boot: here.boot, token: randomBytes(8).toString('hex') };
  const staleMs = options.staleMs ?? 10_000;
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      const handle = await fs.open(path, 'wx', 0o644);
      try {
        await handle.writeFile(JSON.stringify(me));
      } finally {
        await handle.close();
      }
      const heartbeat = setInterval(() => void fs.utimes(path, new Date(), new Date()).catch(() => undefined), staleMs / 4);
      heartbeat.unref();
      held.set(path, { token: me.token, heartbeat });
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw writeError('lock', dir, error);
    }
    const text = (await readLock(fs, path)) ?? '';
    if ((await isStale(fs, path, text, staleMs)) && (await breakLock(fs, path, text, staleMs))) continue;
    if (Date.now() > deadline) {
      const pid = parse(text)?.pid;
      throw new WriteError(`Cannot lock the directory ${dir}: another ssm-render${pid ? ` (pid ${pid})` : ''} holds ${path}`, dir, {
        hint: `run one writer per directory; if no ssm-render is running, remove ${path}`,
      });
    }
    await sleep(Math.min(20 * 2 ** Math.min(attempt, 4), 250) * (0.5 + Math.random()), undefined, { signal: options.signal });
  }
}

async function release(fs: CommitFs, path: string): Promise<void> {
  const mine = held.get(path);
  if (!mine) return;
  clearInterval(mine.heartbeat);
  held.delete(path);
  await fs.unlink(path).catch(() => undefined);
}

/**
 * Lock each directory for one commit (a lock file beside the files), in a fixed order so that two
 * commits over overlapping directories cannot deadlock. Resolves to the function that unlocks.
 */
export async function lockDirectories(dirs: readonly string[], options: LockOptions = {}): Promise<() => Promise<void>> {
  const fs = options.fs ?? nodeFs;
  const taken: string[] = [];
  const unlock = async () => {
    for (const path of taken.reverse()) await release(fs, path);
  };
  try {
    for (const dir of [...new Set(dirs)].sort()) taken.push(await acquire(fs, dir, options));
  } catch (error) {
    await unlock();
    throw error;
  }
  return unlock;
}

/** Remove every lock this process holds; for a process that must exit now. */
export function releaseLocksNow(): void {
  for (const [path, { heartbeat }] of held) {
    clearInterval(heartbeat);
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  held.clear();
}
