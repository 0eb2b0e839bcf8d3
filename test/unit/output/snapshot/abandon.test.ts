import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { abandonInFlightTemps, commitFiles } from '../../../../src/output/commit';
import { nodeFs, type CommitFs } from '../../../../src/output/fs';
import { isSnapshotName } from '../../../../src/output/snapshot/names';
import { recordingFs } from '../../../support/recording-fs';
import { scratch } from '../../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const file = (name: string, text: string) => ({ destination: s.path(name), content: Buffer.from(text), mode: 0o640 });

describe('abandonInFlightTemps with commit: snapshot', () => {
  it('removes a snapshot still being written (a stop that cannot wait), leaving the live one', async () => {
    await commitFiles([file('a.env', 'A=1\n'), file('b.env', 'B=1\n')], { mode: 'snapshot' });
    const live = readdirSync(s.dir).filter(isSnapshotName);
    let building = '';
    // Half-way through the new snapshot, the process must exit now.
    const { fs } = recordingFs((op, path) => {
      if (op === 'handle.write' && path.endsWith('/b.env')) {
        building = join(path, '..');
        abandonInFlightTemps();
        return 'EINTR';
      }
      return undefined;
    });
    await commitFiles([file('a.env', 'A=2\n'), file('b.env', 'B=2\n')], { mode: 'snapshot', fs }).catch(() => undefined);
    expect(building).not.toBe('');
    expect(existsSync(building)).toBe(false);
    expect(readdirSync(s.dir).filter(isSnapshotName)).toEqual(live);
    expect(readdirSync(s.dir).filter((n) => n.includes('ssm-render') || n === '..data_tmp')).toEqual([]);
  });

  it('never removes a tracked snapshot that ..data already points to', async () => {
    // The swap's rename has finished; the forced exit comes before the commit could untrack the snapshot.
    const fs: CommitFs = {
      ...nodeFs,
      rename: async (from, to) => {
        await nodeFs.rename(from, to);
        if (String(to).endsWith('/..data')) abandonInFlightTemps();
      },
    };
    await commitFiles([file('a.env', 'A=1\n')], { mode: 'snapshot', fs });
    expect(readdirSync(s.dir).filter(isSnapshotName)).toHaveLength(1);
    expect(readFileSync(s.path('a.env'), 'utf8')).toBe('A=1\n');
  });
});
