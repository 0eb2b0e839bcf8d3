import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { startFakeSsm, type FakeSsm } from './fake-ssm';
import { isolatedEnv, type CliResult } from './run-cli';
import { scratch } from './tmp';

export const CANARY = 'CANARY-4d2e-toolkit-secret';
export const PATH = '/ELASMETRICS/STAGING/';

/** Credentials, region and the fake's endpoint, in an environment with nothing else from this machine. */
export function awsEnv(fake: FakeSsm, extra: Record<string, string | undefined> = {}): Record<string, string> {
  return isolatedEnv({
    AWS_ACCESS_KEY_ID: 'AKIDTOOLKIT',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_REGION: 'eu-west-1',
    AWS_ENDPOINT_URL: fake.url,
    AWS_MAX_ATTEMPTS: '2',
    PARAMETER_STORE_PREFIX: '/ELASMETRICS',
    ENV: 'STAGING',
    ...extra,
  });
}

export function clear(fake: FakeSsm): void {
  for (const name of fake.names()) fake.delete(name);
}

/** The guide's parameters, with the canary in both SecureStrings. */
export function seedGuide(fake: FakeSsm): void {
  clear(fake);
  fake.put(`${PATH}ELASTICSEARCH/PASSWORD`, `es-${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}ELASTICSEARCH/USERNAME`, 'elastic_user', { type: 'String' });
  fake.put(`${PATH}MYSQL/PASSWORD`, `my'sql\n${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}MYSQL/USER`, 'metrics_user', { type: 'String' });
  fake.put(`${PATH}MYSQL/HOST`, 'db.internal', { type: 'String' });
}

export const lastLog = (r: CliResult): Record<string, unknown> => r.logs[r.logs.length - 1] ?? {};

/** No canary in anything the process printed (stdout too, unless the command's job is to print it). */
export function expectNoLeak(r: CliResult, { stdout = true }: { stdout?: boolean } = {}): void {
  expect(r.stderr).not.toContain(CANARY);
  if (stdout) expect(r.stdout).not.toContain(CANARY);
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) if (dir && existsSync(join(dir, command))) return join(dir, command);
  return undefined;
}

/** The Debian `aws` CLI, a client nobody here wrote. */
export const AWS_CLI = existsSync('/usr/bin/aws') ? '/usr/bin/aws' : findOnPath('aws');
export { findOnPath };

export type Scratch = ReturnType<typeof scratch>;

/**
 * One fake per test file and, before each test, a fresh scratch directory and the fake's faults and
 * counters cleared; then `each(fake, dir)` (to keep them, and to set up more).
 */
export function fakeHooks(each: (fake: FakeSsm, dir: Scratch) => void): void {
  let fake: FakeSsm;
  let dir: Scratch;
  beforeAll(async () => {
    fake = await startFakeSsm();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    dir = scratch();
    fake.clearFaults();
    fake.resetCounters();
    each(fake, dir);
  });
  afterEach(() => dir.cleanup());
}

/** `fakeHooks` for the toolkit's tests: the guide's parameters seeded before each test. */
export function guideHooks(each: (fake: FakeSsm, dir: Scratch) => void): void {
  fakeHooks((fake, dir) => {
    seedGuide(fake);
    each(fake, dir);
  });
}
