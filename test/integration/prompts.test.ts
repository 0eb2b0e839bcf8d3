import { execFileSync, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { BUNDLE } from '../support/run-cli';
import { scratch } from '../support/tmp';
import { CANARY, PATH, awsEnv, seedGuide } from '../support/toolkit';

let fake: FakeSsm;
const dir = scratch();

beforeAll(async () => {
  fake = await startFakeSsm();
});
afterAll(async () => {
  await fake.close();
  dir.cleanup();
});
beforeEach(() => seedGuide(fake));

interface PtyResult {
  code: number;
  output: string;
  answered: boolean;
}

/** The built CLI on a pseudo-terminal (python3's pty), answering its prompt like a person. */
async function onTerminal(args: string[], prompt: string, answer: string): Promise<PtyResult> {
  const spec = JSON.stringify({
    argv: [process.execPath, BUNDLE, ...args],
    env: awsEnv(fake, { SSM_RENDER_LOG_FORMAT: 'json' }),
    cwd: dir.dir,
    prompt,
    answer,
  });
  // Asynchronously: the fake answers from this process, so its event loop must keep running.
  return new Promise((done, fail) => {
    const child = spawn('python3', [resolve(__dirname, '../support/pty-run.py')], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('close', () => done(JSON.parse(out) as PtyResult));
    child.stdin.end(spec);
  });
}

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import pty']);
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!hasPython)('prompts on a terminal', () => {
  it('delete asks, showing the type and version, and deletes on y', async () => {
    const result = await onTerminal(['delete', 'MYSQL/HOST'], '[y/N]', 'y\r');
    expect(result.answered).toBe(true);
    expect(result.output).toContain(`Delete ${PATH}MYSQL/HOST (String, version 1)? [y/N]`);
    expect(result.output).toContain(`deleted ${PATH}MYSQL/HOST`);
    expect(result.code).toBe(0);
    expect(fake.value(`${PATH}MYSQL/HOST`)).toBeUndefined();
  });

  it('delete keeps the parameter on any other answer, exit 2', async () => {
    const result = await onTerminal(['delete', 'MYSQL/USER'], '[y/N]', 'no\r');
    expect(result.code).toBe(2);
    expect(result.output).toContain('Not deleted');
    expect(fake.value(`${PATH}MYSQL/USER`)).toBe('metrics_user');
  });

  it('put without VALUE on a terminal asks for it without echoing it', async () => {
    const result = await onTerminal(['put', 'TTY/SECRET'], '(not shown): ', `typed-${CANARY}\r`);
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain(CANARY);
    expect(result.output).toContain(`${PATH}TTY/SECRET: version 1 (SecureString, Standard tier)`);
    expect(fake.value(`${PATH}TTY/SECRET`)).toBe(`typed-${CANARY}`);
  });
});
