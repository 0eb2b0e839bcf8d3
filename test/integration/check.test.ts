import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { eventually, msg, startCli, type LiveCli } from '../support/cli-process';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, CANARY, expectNoLeak, fakeHooks, lastLog, type Scratch } from '../support/toolkit';

// `check:` with real programs: a shell that exits 3, a sleeper past its timeout, a program that is
// not there, and a python3 validator that parses the staged JSON; a canary value in the store must
// stay out of everything the process prints, also when the check prints the file to its stderr.
const PATH = '/ELASMETRICS/STAGING/';
let fake: FakeSsm;
let dir: Scratch;
fakeHooks((f, d) => {
  fake = f;
  dir = d;
  for (const name of fake.names()) fake.delete(name);
  fake.put(`${PATH}DB/PASSWORD`, `pw-${CANARY}`, { type: 'SecureString' });
  fake.put(`${PATH}APP/PORT`, '8080', { type: 'String' });
});

/** Whether `pid` runs: a zombie (ended, waiting for an init to reap it) does not. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
const yamlList = (argv: readonly string[]) => `[${argv.map((a) => JSON.stringify(a)).join(', ')}]`;
/** A JSON file of every key, with `check`, and a plain .env beside it (no check). */
function configure(check: readonly string[] | undefined, extra = '') {
  const checkLines = check ? `    check: ${yamlList(check)}\n${extra}` : '';
  dir.write(
    'ssm-render.yaml',
    `prefix: /ELASMETRICS\nenv: STAGING\nrequired: [DB/PASSWORD, APP/PORT]\ntemplates:\n  - format: json\n    destination: out/app.json\n${checkLines}  - format: dotenv\n    destination: out/app.env\n`,
  );
}
const render = async (args: string[] = []) => {
  const result = await runCli(['render', ...args], { cwd: dir.dir, env: awsEnv(fake) });
  expectNoLeak(result);
  return result;
};
const outFiles = () => (existsSync(dir.path('out')) ? readdirSync(dir.path('out')).sort() : []);
const appJson = () => JSON.parse(readFileSync(dir.path('out/app.json'), 'utf8')) as { APP: { PORT: string }; DB: { PASSWORD: string } };
/** A validator nobody here wrote the parser of: python3 loads the staged JSON and refuses a non-numeric port. */
const PORT_CHECK = [
  'python3',
  '-c',
  'import json, sys\nport = json.load(open(sys.argv[1]))["APP"]["PORT"]\nsys.exit(0 if port.isdigit() else "APP/PORT is not a number")',
  '{{file}}',
];

function expectCheckFailed(r: CliResult): Record<string, unknown> {
  expect(r.code).toBe(4);
  const last = lastLog(r);
  expect(last['code']).toBe('CHECK_FAILED');
  expect(last['exitCode']).toBe(4);
  return last;
}

describe('render with a check', () => {
  it('a real validator accepts a good file (it is written) and refuses a bad value (nothing is written, exit 4, its stderr in the error)', async () => {
    configure(PORT_CHECK);
    const good = await render();
    expect(good.code).toBe(0);
    expect(appJson().APP.PORT).toBe('8080');
    expect(good.logs.some((l) => l['msg'] === `check \`python3\` accepted the new ${dir.path('out/app.json')}`)).toBe(true);
    const before = [readFileSync(dir.path('out/app.json'), 'utf8'), readFileSync(dir.path('out/app.env'), 'utf8')];

    fake.put(`${PATH}APP/PORT`, 'eighty', { type: 'String' });
    fake.put(`${PATH}DB/PASSWORD`, `pw2-${CANARY}`, { type: 'SecureString' });
    const bad = await render();
    const last = expectCheckFailed(bad);
    expect(last['msg']).toBe(
      `Check \`python3\` of ${dir.path('out/app.json')} (template format json) failed: exit code 1; nothing was committed; its stderr ends with:\nAPP/PORT is not a number`,
    );
    expect(String(last['hint'])).toMatch(/fix the parameter or the template/);
    // Neither file changed, not even the .env that has no check.
    expect([readFileSync(dir.path('out/app.json'), 'utf8'), readFileSync(dir.path('out/app.env'), 'utf8')]).toEqual(before);
    expect(outFiles()).toEqual(['app.env', 'app.json']);
  });

  it('`sh -c "exit 3"`: exit 4 naming the check, the template and the code; no destination written', async () => {
    configure(['sh', '-c', 'echo "rejected $1" >&2; exit 3', 'check', '{{file}}']);
    const r = await render();
    const last = expectCheckFailed(r);
    expect(String(last['msg'])).toMatch(
      new RegExp(
        `^Check \`sh\` of ${dir.path('out/app.json')} \\(template format json\\) failed: exit code 3; nothing was committed; its stderr ends with:\\nrejected ${dir.path('out')}/\\.app\\.json\\.ssm-render-[0-9a-f]{12}\\.tmp$`,
      ),
    );
    expect(outFiles()).toEqual([]);
  });

  it('a check past its timeout: its process group is killed, the error says "timed out after"', async () => {
    const pid = dir.path('sleeper.pid');
    configure(['sh', '-c', `sleep 30 & echo $! > ${pid}; sleep 30; : "$1"`, 'check', '{{file}}'], '    check_timeout: 500ms\n');
    const started = performance.now();
    const r = await render();
    const took = performance.now() - started;
    const last = expectCheckFailed(r);
    expect(String(last['msg'])).toContain('failed: timed out after 500ms; nothing was committed');
    expect(String(last['hint'])).toMatch(/raise the template's `check_timeout`/);
    expect(took).toBeLessThan(15_000);
    const sleeper = Number(readFileSync(pid, 'utf8'));
    await eventually(() => (running(sleeper) ? undefined : true), 2_000, 'the sleeper gone');
    expect(outFiles()).toEqual([]);
  });

  it('a program that is not there: "not found", with the PATH it looked in', async () => {
    configure(['no-such-validator-5c1e', '{{file}}']);
    const r = await render();
    const last = expectCheckFailed(r);
    expect(String(last['msg'])).toContain('Check `no-such-validator-5c1e` of');
    expect(String(last['msg'])).toContain('failed: not found; nothing was committed');
    expect(String(last['hint'])).toMatch(/^install `no-such-validator-5c1e` or give its full path \(the check runs with PATH=/);
  });

  it('a check that prints the staged file (with the secret) to its stderr: the error carries it scrubbed', async () => {
    configure(['sh', '-c', 'cat "$1" >&2; exit 1', 'check', '{{file}}']);
    const r = await render();
    const last = expectCheckFailed(r);
    expect(String(last['msg'])).toContain('"PORT": "8080"');
    expect(String(last['msg'])).toContain('"PASSWORD": "[REDACTED]"');
    expect(r.stderr).not.toContain(CANARY);
  });

  it("the check's environment holds none of ssm-render's: no value (local mode, exec --env), no credentials", async () => {
    const envFile = dir.path('check-env.txt');
    const names = () =>
      readFileSync(envFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => l.split('=')[0] as string)
        .filter((n) => !['PWD', 'SHLVL', '_'].includes(n)) // the shell's own
        .sort();
    configure(['sh', '-c', `env > ${envFile}; test -s "$1"`, 'check', '{{file}}']);
    // Local mode: the values come from this very environment.
    const local = await runCli(['render'], {
      cwd: dir.dir,
      env: awsEnv(fake, { LOCAL_DEV_MODE: 'true', DB_PASSWORD: `local-${CANARY}`, APP_PORT: '8081', LANG: 'C.UTF-8' }),
    });
    expect(local.code).toBe(0);
    expectNoLeak(local);
    expect(appJson().DB.PASSWORD).toBe(`local-${CANARY}`);
    expect(readFileSync(envFile, 'utf8')).not.toContain(CANARY);
    expect(names()).toEqual(['HOME', 'LANG', 'PATH']);

    // exec --env: the child gets every value in its environment; the check gets none.
    fake.put(`${PATH}DB/PASSWORD`, `pw3-${CANARY}`, { type: 'SecureString' });
    const child = dir.path('child-env.txt');
    const exec = await runCli(['exec', '--env', '--', 'sh', '-c', `env > ${child}`], { cwd: dir.dir, env: awsEnv(fake) });
    expect(exec.code).toBe(0);
    expect(readFileSync(child, 'utf8')).toContain(`DB_PASSWORD=pw3-${CANARY}`);
    expect(readFileSync(envFile, 'utf8')).not.toContain(CANARY);
    expect(names()).toEqual(['HOME', 'PATH']);
  });

  it('an unchanged file is not checked again; a dry run runs the check, says so, and writes nothing', async () => {
    const runs = dir.path('runs.txt');
    configure(['sh', '-c', `echo run >> ${runs}; test -s "$1"`, 'check', '{{file}}']);
    const dry = await render(['--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`would write ${dir.path('out/app.json')}`);
    expect(dry.logs.some((l) => l['msg'] === `check \`sh\` accepted the new ${dir.path('out/app.json')}` && l['dryRun'] === true)).toBe(true);
    expect(outFiles()).toEqual([]);
    expect(readFileSync(runs, 'utf8')).toBe('run\n');
    expect((await render()).code).toBe(0);
    expect((await render()).code).toBe(0);
    expect(readFileSync(runs, 'utf8')).toBe('run\nrun\n');

    fake.put(`${PATH}APP/PORT`, 'x', { type: 'String' });
    configure(PORT_CHECK);
    const refused = await render(['--dry-run']);
    expectCheckFailed(refused);
  });
});

describe('watch with a check', () => {
  let cli: LiveCli | undefined;
  afterEach(async () => {
    cli?.kill('SIGKILL');
    await cli?.exited;
    expect(cli?.output()).not.toContain(CANARY);
    cli = undefined;
  });

  async function readyz(address: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`http://${address}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
  async function checkFailures(address: string): Promise<string[]> {
    const text = await (await fetch(`http://${address}/metrics`)).text();
    expect(text).not.toContain(CANARY);
    return text.split('\n').filter((l) => l.startsWith('ssm_render_check_failures_total{'));
  }

  it('keeps the last good files, says so on /readyz, the metric and the log, tries again each interval (not sooner), and takes the fix', async () => {
    const runs = dir.path('runs.txt');
    configure([
      'sh',
      '-c',
      `echo run >> ${runs}; exec python3 -c 'import json, sys; sys.exit(0 if json.load(open(sys.argv[1]))["APP"]["PORT"].isdigit() else "bad port")' "$1"`,
      'check',
      '{{file}}',
    ]);
    writeFileSync(dir.path('ssm-render.yaml'), `${readFileSync(dir.path('ssm-render.yaml'), 'utf8')}watch: { interval: 1s, jitter: 0 }\n`);
    cli = startCli(['watch', '--listen', '127.0.0.1:0'], { cwd: dir.dir, env: awsEnv(fake) });
    const address = String((await cli.waitForLog(msg('health endpoints listening')))['address']);
    await cli.waitForLog(msg('first render complete, watching'));
    const good = readFileSync(dir.path('out/app.json'), 'utf8');

    fake.put(`${PATH}APP/PORT`, 'eighty', { type: 'String' });
    const failed = await cli.waitForLog((l) => l['code'] === 'CHECK_FAILED');
    expect(String(failed['msg'])).toContain('refresh failed, keeping the last good files: Check `sh` of');
    expect(String(failed['msg'])).toContain('bad port');
    const ready = await readyz(address);
    expect(ready.status).toBe(200);
    expect(ready.body['reason']).toBe(`check failed for ${dir.path('out/app.json')} (\`sh\`: exit code 1); keeping the last good files`);
    expect(await checkFailures(address)).toEqual([
      expect.stringMatching(new RegExp(`^ssm_render_check_failures_total\\{template="${dir.path('out/app.json')}"\\} [1-9]`)),
    ]);
    expect(readFileSync(dir.path('out/app.json'), 'utf8')).toBe(good);

    // Tried again at each interval, not in a hot loop.
    const runsAt = (n: number) => eventually(() => (readFileSync(runs, 'utf8').split('\n').length - 1 >= n ? true : undefined), 10_000, `${n} check runs`);
    const before = readFileSync(runs, 'utf8').split('\n').length - 1;
    const since = performance.now();
    await runsAt(before + 2);
    expect(performance.now() - since).toBeGreaterThan(1_500);

    fake.put(`${PATH}APP/PORT`, '9090', { type: 'String' });
    await eventually(() => (appJson().APP.PORT === '9090' ? true : undefined), 10_000, 'the fixed value');
    await eventually(async () => ((await readyz(address)).body['reason'] === undefined ? true : undefined), 5_000, 'the reason cleared');
  });
});
