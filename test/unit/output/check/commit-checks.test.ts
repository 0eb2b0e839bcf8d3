import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteError } from '../../../../src/errors';
import { CheckFailedError } from '../../../../src/output/check/check-error';
import type { CheckRunner } from '../../../../src/output/check/run-check';
import { commitFiles, type CommitMode, type FileToWrite } from '../../../../src/output/commit';
import { recordingFs } from '../../../support/recording-fs';
import { scratch } from '../../../support/tmp';

let s = scratch();
afterEach(() => {
  s.cleanup();
  s = scratch();
});
const CANARY = 'CANARY-ch3ck-4b1d';
const check = (argv: string[], timeoutMs = 10_000) => ({ argv, timeoutMs, template: 'templates/t.hbs' });
const file = (name: string, text: string, argv?: string[]): FileToWrite => ({
  destination: s.path(name),
  content: Buffer.from(text),
  mode: 0o640,
  check: argv && check(argv),
});
const redact = (text: string) => text.split(CANARY).join('[REDACTED]');

/** A runner that writes down, in the file system's call log, when it runs and on what, and what the file held. */
function recordingRunner(
  calls: string[],
  verdict: (content: string) => number = () => 0,
): { run: CheckRunner; seen: Array<{ argv: readonly string[]; content: string; env: Record<string, string> }> } {
  const seen: Array<{ argv: readonly string[]; content: string; env: Record<string, string> }> = [];
  const run: CheckRunner = async (argv, options) => {
    const path = argv.find((a) => a.startsWith('/')) as string;
    calls.push(`check ${argv.join(' ')}`);
    const content = readFileSync(path, 'utf8');
    seen.push({ argv, content, env: options.env });
    return { end: { kind: 'exited', code: verdict(content) }, stderr: `rejected: ${content}` };
  };
  return { run, seen };
}

describe.each<CommitMode>(['files', 'snapshot'])('checks with commit: %s', (mode) => {
  it('run on the staged file after every file is staged and fsynced, and before any rename', async () => {
    writeFileSync(s.path('a.conf'), 'OLD\n');
    const { fs, calls } = recordingFs();
    const { run, seen } = recordingRunner(calls);
    await commitFiles([file('a.conf', 'A=1\n', ['validate', '--config={{file}}', '{{file}}']), file('b.conf', 'B=1\n')], { fs, mode, check: { run, redact } });
    const checkAt = calls.findIndex((c) => c.startsWith('check '));
    const lastSync = calls.reduce((last, c, i) => (/^handle\.sync .*b\.conf/.test(c) ? i : last), -1);
    const firstRename = calls.findIndex((c) => c.startsWith('rename '));
    expect(lastSync, calls.join('\n')).toBeGreaterThan(-1);
    expect(checkAt).toBeGreaterThan(lastSync);
    expect(checkAt).toBeLessThan(firstRename);
    expect(seen).toHaveLength(1);
    const staged = (seen[0]?.argv[2] ?? '') as string;
    expect(seen[0]?.argv).toEqual(['validate', `--config=${staged}`, staged]);
    expect(seen[0]?.content).toBe('A=1\n');
    // Staged in the destination's own directory, never in place.
    expect(dirname(staged).startsWith(s.dir)).toBe(true);
    expect(staged).not.toBe(s.path('a.conf'));
    expect(readFileSync(s.path('a.conf'), 'utf8')).toBe('A=1\n');
  });

  it('a refused file commits nothing: every destination keeps its bytes, no temp is left, the error names the check', async () => {
    writeFileSync(s.path('a.conf'), 'OLD-A\n');
    writeFileSync(s.path('b.conf'), 'OLD-B\n');
    const { fs, calls } = recordingFs();
    const { run } = recordingRunner(calls, (content) => (content.includes(CANARY) ? 1 : 0));
    const error = (await commitFiles([file('a.conf', 'A=2\n'), file('b.conf', `B=${CANARY}\n`, ['validate', '{{file}}'])], {
      fs,
      mode,
      check: { run, redact },
    }).catch((e: unknown) => e)) as CheckFailedError;
    expect(error).toBeInstanceOf(CheckFailedError);
    expect([error.code, error.exitCode, error.retryable]).toEqual(['CHECK_FAILED', 4, false]);
    expect(error.message).toBe(
      `Check \`validate\` of ${s.path('b.conf')} (template templates/t.hbs) failed: exit code 1; nothing was committed; its stderr ends with:\nrejected: B=[REDACTED]\n`,
    );
    expect(error.summary).toBe(`check failed for ${s.path('b.conf')} (\`validate\`: exit code 1)`);
    expect(error.message + error.hint).not.toContain(CANARY);
    expect(calls.filter((c) => c.startsWith('rename '))).toEqual([]);
    expect([readFileSync(s.path('a.conf'), 'utf8'), readFileSync(s.path('b.conf'), 'utf8')]).toEqual(['OLD-A\n', 'OLD-B\n']);
    expect(readdirSync(s.dir).sort()).toEqual(['a.conf', 'b.conf']);
  });

  it('without a redactor, an error carries no stderr at all', async () => {
    const { run } = recordingRunner([], () => 2);
    const error = (await commitFiles([file('a.conf', `A=${CANARY}\n`, ['validate', '{{file}}'])], { mode, check: { run } }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(`Check \`validate\` of ${s.path('a.conf')} (template templates/t.hbs) failed: exit code 2; nothing was committed`);
  });

  it('checks in the order of the templates, whatever their directories', async () => {
    const { run, seen } = recordingRunner([]);
    await commitFiles([file('z/x.conf', 'X\n', ['validate', '{{file}}']), file('a/y.conf', 'Y\n', ['validate', '{{file}}'])], { mode, check: { run } });
    expect(seen.map((x) => x.content)).toEqual(['X\n', 'Y\n']);
  });

  it('an unchanged file is not checked again', async () => {
    const calls: string[] = [];
    const { run, seen } = recordingRunner(calls);
    await commitFiles([file('a.conf', 'A=1\n', ['validate', '{{file}}'])], { mode, check: { run } });
    await commitFiles([file('a.conf', 'A=1\n', ['validate', '{{file}}']), file('b.conf', 'B=1\n', ['validate', '{{file}}'])], { mode, check: { run } });
    expect(seen.map((x) => x.content)).toEqual(['A=1\n', 'B=1\n']);
  });

  it('a dry run checks a private copy, says so, and touches no destination directory', async () => {
    writeFileSync(s.path('a.conf'), 'OLD\n');
    const { run, seen } = recordingRunner([]);
    const passed: string[] = [];
    const result = await commitFiles([file('a.conf', 'A=1\n', ['validate', '{{file}}'])], {
      mode,
      dryRun: true,
      check: { run, onPassed: (destination, program) => passed.push(`${program} ${destination}`) },
    });
    expect(result.written).toEqual([s.path('a.conf')]);
    expect(passed).toEqual([`validate ${s.path('a.conf')}`]);
    const staged = seen[0]?.argv[1] as string;
    expect(staged.endsWith('/a.conf')).toBe(true);
    expect(staged.startsWith(s.dir)).toBe(false);
    expect(existsSync(staged)).toBe(false);
    expect(readdirSync(s.dir)).toEqual(['a.conf']);
    expect(readFileSync(s.path('a.conf'), 'utf8')).toBe('OLD\n');
  });

  it('a dry run that cannot make its private directory says to set TMPDIR', async () => {
    const { run } = recordingRunner([]);
    const { fs } = recordingFs((op) => (op === 'mkdtemp' ? 'EROFS' : undefined));
    const error = (await commitFiles([file('a.conf', 'A=1\n', ['validate', '{{file}}'])], { mode, fs, dryRun: true, check: { run } }).catch(
      (e: unknown) => e,
    )) as WriteError;
    expect(error).toBeInstanceOf(WriteError);
    expect(error.message).toMatch(/^Cannot create a directory under .* for the dry run's checks \(EROFS\)$/);
    expect(error.hint).toMatch(/set TMPDIR/);
  });

  it('a dry run whose check fails throws the same error', async () => {
    const { run } = recordingRunner([], () => 1);
    const error = await commitFiles([file('a.conf', 'A=1\n', ['validate', '{{file}}'])], { mode, dryRun: true, check: { run } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckFailedError);
  });

  it('gives the check only the few variables, and none whose text is a value', async () => {
    const { run, seen } = recordingRunner([]);
    const env = { PATH: '/usr/bin:/bin', HOME: `/home/${CANARY}`, MYSQL_PASSWORD: CANARY, AWS_SECRET_ACCESS_KEY: 'k' };
    await commitFiles([file('a.conf', 'A=1\n', ['validate', '{{file}}'])], { mode, check: { run, env, redact } });
    expect(seen[0]?.env).toEqual({ PATH: '/usr/bin:/bin' });
  });
});
