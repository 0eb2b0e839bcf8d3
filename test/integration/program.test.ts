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

  it("`render --help` says that --format/--output renders one file instead of the config's templates", async () => {
    const help = await runCli(['render', '--help'], { cwd: process.cwd(), env: isolatedEnv() });
    expect(help.code).toBe(0);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain("--output <file> ... into this one file, instead of the config file's templates (with --format)");
  });
});
