import { describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import { isolatedEnv, runCli } from '../support/run-cli';

describe('the program', () => {
  it('`version`, `--version` and `-V` print the same line: the version and the node running it', async () => {
    const outputs = await Promise.all([['version'], ['--version'], ['-V']].map((args) => runCli(args, { cwd: process.cwd(), env: isolatedEnv() })));
    for (const r of outputs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
    }
    expect(outputs.map((r) => r.stdout)).toEqual(Array(3).fill(`ssm-render ${version} (node ${process.version})\n`));
  });
});
