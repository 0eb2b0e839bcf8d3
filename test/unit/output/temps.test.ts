import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { abandonInFlightTemps, commitFiles } from '../../../src/output/commit';
import { nodeFs } from '../../../src/output/fs';
import { removeStaleTemps, tempName, tempsBeside } from '../../../src/output/temps';
import { recordingFs } from '../../support/recording-fs';
import { scratch } from '../../support/tmp';

let s = scratch();
let t = scratch();
afterEach(() => {
  s.cleanup();
  t.cleanup();
  s = scratch();
  t = scratch();
});

describe('temp files', () => {
  it('are named beside their destination, hidden, marked and unique', () => {
    const a = tempName(s.path('app.env'));
    expect(a).toMatch(new RegExp(`^${s.dir}/\\.app\\.env\\.ssm-render-[0-9a-f]{12}\\.tmp$`));
    expect(tempName(s.path('app.env'))).not.toBe(a);
  });

  it("a stale one is only a destination's own: other names, other destinations' temps and other directories are left", async () => {
    const mine = [tempName(s.path('app.env')), tempName(s.path('b.yaml')), tempName(t.path('c.env'))];
    const others = [
      s.path('.app.env.ssm-render-notes'),
      s.path('other.tmp'),
      s.path('app.env.tmp'),
      tempName(s.path('other.env')),
      tempName(t.path('app.env')),
    ];
    for (const f of [...mine, ...others]) writeFileSync(f, 'x');
    const destinations = [s.path('app.env'), s.path('b.yaml'), t.path('c.env')];
    expect((await tempsBeside(nodeFs, destinations)).sort()).toEqual([...mine].sort());
    await removeStaleTemps(nodeFs, destinations);
    for (const f of mine) expect(existsSync(f)).toBe(false);
    for (const f of others) expect(existsSync(f)).toBe(true);
  });

  it('a directory that does not exist (yet) holds none', async () => {
    expect(await tempsBeside(nodeFs, [s.path('missing/app.env')])).toEqual([]);
  });

  it('abandonInFlightTemps removes a temp file being written, so that a forced exit leaves none behind', async () => {
    let seen: string[] = [];
    const { fs } = recordingFs((op, path) => {
      if (op === 'handle.sync' && path.includes('.ssm-render-')) {
        seen = readdirSync(s.dir);
        abandonInFlightTemps();
      }
      return undefined;
    });
    // The rename then finds no temp: the commit fails and the destination was never written.
    await expect(commitFiles([{ destination: s.path('app.env'), content: Buffer.from('A=1\n'), mode: 0o600 }], { fs })).rejects.toThrow(/ENOENT/);
    expect(seen.filter((n) => n.includes('.ssm-render-'))).toHaveLength(1);
    expect(readdirSync(s.dir).filter((n) => n !== '.ssm-render.lock')).toEqual([]);
  });
});
