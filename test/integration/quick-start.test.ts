import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { cpSync, readFileSync, symlinkSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { BUNDLE, isolatedEnv } from '../support/run-cli';
import { awsEnv, CANARY, guideHooks, type Scratch } from '../support/toolkit';

// The README's quick start, run as written, in a copy of the checkout's layout (so that no other
// test's render of examples/elasmetrics/out can show through).
let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
});

const README = readFileSync(`${process.cwd()}/README.md`, 'utf8');
const quickStart = README.slice(README.indexOf('## Quick start'), README.indexOf('## Commands'));

/** The first fenced block after `marker` in the quick start. */
function blockAfter(marker: string): string {
  const at = quickStart.indexOf(marker);
  expect(at, marker).toBeGreaterThan(-1);
  const open = quickStart.indexOf('```', at);
  const body = quickStart.indexOf('\n', open) + 1;
  return quickStart.slice(body, quickStart.indexOf('```', body));
}

function checkoutCopy(): void {
  for (const part of ['package.json', 'examples/elasmetrics', 'templates']) {
    cpSync(`${process.cwd()}/${part}`, dir.path(part), { recursive: true, filter: (src) => !src.endsWith('/out') });
  }
  symlinkSync(`${process.cwd()}/dist`, dir.path('dist'));
}

describe('the README quick start', () => {
  it('`npm run example` prints the three files it wrote, each under its name, exactly as the README shows', () => {
    checkoutCopy();
    const run = spawnSync('npm', ['run', '--silent', 'example'], { cwd: dir.dir, env: isolatedEnv(), encoding: 'utf8', timeout: 60_000 });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe(blockAfter('then prints the three files it'));
    for (const f of ['out/app.env', 'out/config.yaml', 'out/all.json'])
      expect(run.stdout).toContain(`==> ${f} <==\n${readFileSync(dir.path('examples/elasmetrics', f), 'utf8')}`);
  });

  it("the Parameter Store commands, run as written, render Parameter Store values, never the .env's local ones", async () => {
    checkoutCopy();
    const script = blockAfter('Against Parameter Store');
    expect(script).toContain('npx ssm-render');
    const env = awsEnv(fake, { PARAMETER_STORE_PREFIX: undefined, ENV: undefined, AWS_REGION: undefined });
    // Asynchronously: the fake answers from this process.
    const run = await promisify(execFile)('sh', ['-euc', script.replaceAll('npx ssm-render', `node ${BUNDLE}`)], { cwd: dir.dir, env, timeout: 60_000 });
    expect(run.stderr).not.toContain(CANARY);
    expect(run.stdout).toBe('');
    const example = parseDotenv(readFileSync(dir.path('examples/elasmetrics/out/app.env')));
    expect(example).toMatchObject({ ELASTICSEARCH_PASSWORD: `es-${CANARY}`, MYSQL_HOST: 'db.internal' });
    expect(parseYaml(readFileSync(dir.path('examples/elasmetrics/out/config.yaml'), 'utf8'))).toMatchObject({ mysql: { password: `my'sql\n${CANARY}` } });
    const root = parseDotenv(readFileSync(dir.path('out/app.env')));
    expect(root).toMatchObject({ ELASTICSEARCH_PASSWORD: `es-${CANARY}`, MYSQL_USER: 'metrics_user' });
    for (const text of [readFileSync(dir.path('out/app.env'), 'utf8'), readFileSync(dir.path('examples/elasmetrics/out/all.json'), 'utf8')])
      expect(text).not.toMatch(/local-(es|mysql)-password/);
    expect(fake.calls()['GetParametersByPath']).toBe(2);
  });
});
