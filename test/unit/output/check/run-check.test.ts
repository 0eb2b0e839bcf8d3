import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { killRunningChecks, runCheck } from '../../../../src/output/check/run-check';
import { scratch } from '../../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    // A zombie has ended: only its parent can remove it.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('runCheck', () => {
  it('reports the exit code and the end of stderr, with stdout dropped', async () => {
    const run = await runCheck(['sh', '-c', 'echo out; echo one >&2; echo two >&2; exit 3'], { env, timeoutMs: 10_000 });
    expect(run).toEqual({ end: { kind: 'exited', code: 3 }, stderr: 'one\ntwo' });
  });

  it('passes a clean exit as code 0', async () => {
    expect((await runCheck(['true'], { env, timeoutMs: 10_000 })).end).toEqual({ kind: 'exited', code: 0 });
  });

  it('runs with exactly the environment it is given', async () => {
    const run = await runCheck(['sh', '-c', 'env >&2; exit 1'], { env: { ...env, ONLY: 'this' }, timeoutMs: 10_000 });
    const names = run.stderr
      .split('\n')
      .map((l) => l.split('=')[0])
      .sort();
    expect(names).toEqual(['ONLY', 'PATH', 'PWD']);
  });

  it('keeps only the last 20 lines and 4 KiB of a chatty stderr', async () => {
    const run = await runCheck(['sh', '-c', 'i=0; while [ $i -lt 5000 ]; do echo "line $i" >&2; i=$((i+1)); done; exit 1'], { env, timeoutMs: 20_000 });
    const lines = run.stderr.split('\n');
    expect(lines[0]).toBe('...');
    expect(lines.slice(1)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${4980 + i}`));
    const wide = await runCheck(['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x >&2; exit 1'], { env, timeoutMs: 20_000 });
    expect(wide.stderr.length).toBeLessThanOrEqual(4096 + 4);
  });

  it('on a timeout, stops the whole process group (SIGTERM, then SIGKILL) and says it timed out', async () => {
    const pids = s.path('pids');
    const started = performance.now();
    // A background child, and a shell that ignores SIGTERM: both must be gone afterwards.
    const run = await runCheck(['sh', '-c', `trap "" TERM; sleep 30 & echo $! > ${pids}; echo $$ >> ${pids}; wait`], {
      env,
      timeoutMs: 300,
      killGraceMs: 300,
    });
    const took = performance.now() - started;
    expect(run.end).toEqual({ kind: 'timed-out' });
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(5_000);
    const ids = readFileSync(pids, 'utf8').trim().split('\n').map(Number);
    expect(ids).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 100));
    expect(ids.filter(alive)).toEqual([]);
  });

  it('kills what a check left running in its group once it exits', async () => {
    const pid = s.path('pid');
    const run = await runCheck(['sh', '-c', `sleep 30 </dev/null >/dev/null 2>&1 & echo $! > ${pid}; exit 0`], { env, timeoutMs: 10_000 });
    expect(run.end).toEqual({ kind: 'exited', code: 0 });
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(Number(readFileSync(pid, 'utf8')))).toBe(false);
  });

  it('tells a program that is not there, and one that cannot run', async () => {
    expect((await runCheck(['no-such-validator-3e1f'], { env, timeoutMs: 10_000 })).end).toEqual({ kind: 'not-found' });
    const notExecutable = s.write('validator.sh', 'exit 0\n');
    expect((await runCheck([notExecutable], { env, timeoutMs: 10_000 })).end).toEqual({ kind: 'cannot-start', code: 'EACCES' });
  });

  it('reports a check killed by a signal', async () => {
    expect((await runCheck(['sh', '-c', 'kill -9 $$'], { env, timeoutMs: 10_000 })).end).toEqual({ kind: 'signaled', signal: 'SIGKILL' });
  });

  it('on an abort, stops the group and rejects with the reason', async () => {
    const stop = new AbortController();
    const pending = runCheck(['sleep', '30'], { env, timeoutMs: 60_000, signal: stop.signal });
    setTimeout(() => stop.abort(new Error('stopping')), 100);
    const started = performance.now();
    await expect(pending).rejects.toThrow('stopping');
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('killRunningChecks ends a check at once (a process that must exit now)', async () => {
    const pending = runCheck(['sleep', '30'], { env, timeoutMs: 60_000 });
    await new Promise((r) => setTimeout(r, 200));
    killRunningChecks();
    expect((await pending).end).toEqual({ kind: 'signaled', signal: 'SIGKILL' });
  });
});
