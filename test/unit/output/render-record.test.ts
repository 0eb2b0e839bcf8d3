import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { readRenderRecord, recordPath, writeRenderRecords } from '../../../src/output/render-record';
import { scratch } from '../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});

describe('render records', () => {
  it('writes one record beside each destination and reads it back: time, destination, inode, mtime, config identity', async () => {
    const a = s.write('out/a.env', "A='secret-value'\n");
    const b = s.write('out/b.yaml', 'A: secret-value\n');
    await writeRenderRecords([a, b], Date.parse('2026-12-06T23:00:00.000Z'), 'identity-1');
    expect(readdirSync(s.path('out')).sort()).toEqual(['.a.env.ssm-render-state', '.b.yaml.ssm-render-state', 'a.env', 'b.yaml']);
    expect(await readRenderRecord(a)).toEqual({
      renderedAt: Date.parse('2026-12-06T23:00:00.000Z'),
      destination: a,
      ino: statSync(a).ino,
      mtimeMs: statSync(a).mtimeMs,
      config: 'identity-1',
    });
    expect(statSync(recordPath(b)).mode & 0o777).toBe(0o600);
  });

  it('reads a missing, corrupt, foreign or other-destination record as missing, saying which', async () => {
    const a = s.write('out/a.env', 'A=1\n');
    expect(await readRenderRecord(a)).toEqual({ missing: `no record of a render (ENOENT: ${recordPath(a)})` });
    for (const text of ['{', '{"v":2}', JSON.stringify({ v: 1, renderedAt: 'x', destination: a, ino: 1, mtimeMs: 1, config: 'c' })]) {
      writeFileSync(recordPath(a), text);
      expect(await readRenderRecord(a)).toEqual({ missing: `an unreadable record of a render (${recordPath(a)})` });
    }
    const other = s.write('out/b.env', 'B=1\n');
    await writeRenderRecords([other], Date.now(), 'c');
    writeFileSync(recordPath(a), readFileSync(recordPath(other)));
    expect(await readRenderRecord(a)).toHaveProperty('missing');
  });
});
