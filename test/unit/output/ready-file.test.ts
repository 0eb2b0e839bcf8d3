import { existsSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadyFile } from '../../../src/output/ready-file';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});

describe('ReadyFile', () => {
  it('exists, holding "ready" and readable by a health check of another user (0644), only while the data is ready', async () => {
    const ready = new ReadyFile(s.path('run/ready'));
    await ready.sync(true);
    expect(readFileSync(s.path('run/ready'), 'utf8')).toBe('ready\n');
    expect(statSync(s.path('run/ready')).mode & 0o7777).toBe(0o644);
    await ready.sync(false);
    expect(existsSync(s.path('run/ready'))).toBe(false);
    await ready.sync(true);
    expect(existsSync(s.path('run/ready'))).toBe(true);
  });

  it('touches the file only when readiness changes: a tool watching it sees one event per change', async () => {
    const ready = new ReadyFile(s.path('ready'));
    await ready.sync(true);
    // Changed behind its back: a repeated "ready" writes nothing, so the foreign bytes stay.
    writeFileSync(s.path('ready'), 'foreign\n');
    await ready.sync(true);
    expect(readFileSync(s.path('ready'), 'utf8')).toBe('foreign\n');
    unlinkSync(s.path('ready'));
    writeFileSync(s.path('ready'), 'foreign\n');
    await ready.sync(false);
    expect(existsSync(s.path('ready'))).toBe(false);
    // Not ready, and known absent: nothing to remove, so a file put there meanwhile stays.
    writeFileSync(s.path('ready'), 'foreign\n');
    await ready.sync(false);
    expect(readFileSync(s.path('ready'), 'utf8')).toBe('foreign\n');
  });

  it('remove() takes the file away and forgets it was there, even when it is already gone', async () => {
    const ready = new ReadyFile(s.path('ready'));
    await ready.sync(true);
    await ready.remove();
    expect(existsSync(s.path('ready'))).toBe(false);
    await expect(ready.remove()).resolves.toBeUndefined();
    // Forgotten: the next "ready" writes it again.
    await ready.sync(true);
    expect(readFileSync(s.path('ready'), 'utf8')).toBe('ready\n');
  });
});
