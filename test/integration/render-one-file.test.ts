import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, CANARY, expectNoLeak, guideHooks, lastLog, type Scratch } from '../support/toolkit';

// `render --format F --output FILE` renders that one file and nothing else, and every render says
// which config file and `.env` files it read and what turned local dev mode on.
let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
});

const EXAMPLE = 'examples/elasmetrics';
const OUT = ['out/app.env', 'out/config.yaml', 'out/all.json'];

/** The checkout's layout in the scratch directory: the example and the templates it names with ../../. */
function copyExample(): string {
  const example = `${process.cwd()}/${EXAMPLE}`;
  cpSync(example, dir.path(EXAMPLE), { recursive: true, filter: (src) => !src.startsWith(`${example}/out`) });
  cpSync(`${process.cwd()}/templates`, dir.path('templates'), { recursive: true });
  return dir.path(EXAMPLE);
}

const settingsLine = (r: CliResult) => r.logs.find((l) => String(l['msg']).startsWith('read '));
const run = (args: string[], cwd: string, env: Record<string, string | undefined>) => runCli(['render', ...args], { cwd, env: awsEnv(fake, env) });

describe('render --format/--output: one file, nothing else', () => {
  it("in a config's directory, renders only that file: the config's templates are not rendered, and the log says so", async () => {
    const example = copyExample();
    const first = await run([], example, { LOCAL_DEV_MODE: 'false', USE_PARAMETER_STORE: 'true', PARAMETER_STORE_PREFIX: undefined, ENV: undefined });
    expect(first.code, first.stderr).toBe(0);
    expectNoLeak(first);
    const before = OUT.map((f) => statSync(`${example}/${f}`));
    expect(parseDotenv(readFileSync(`${example}/out/app.env`))['ELASTICSEARCH_PASSWORD']).toBe(`es-${CANARY}`);

    const one = await run(['--format', 'dotenv', '--output', dir.path('one/app.env')], example, { LOCAL_DEV_MODE: 'false', USE_PARAMETER_STORE: 'true' });
    expect(one.code, one.stderr).toBe(0);
    expectNoLeak(one);
    expect(parseDotenv(readFileSync(dir.path('one/app.env')))).toMatchObject({ ELASTICSEARCH_PASSWORD: `es-${CANARY}`, MYSQL_USER: 'metrics_user' });
    expect(OUT.map((f) => statSync(`${example}/${f}`)).map((s) => [s.ino, s.mtimeMs])).toEqual(before.map((s) => [s.ino, s.mtimeMs]));
    expect(lastLog(one)).toMatchObject({ msg: 'render complete', written: 1 });
    expect(settingsLine(one)).toMatchObject({
      level: 'info',
      configFile: `${example}/ssm-render.yaml`,
      envFiles: [`${example}/.env`],
      local: false,
      templatesNotRendered: 3,
      destinations: [dir.path('one/app.env')],
    });
    expect(String(settingsLine(one)?.['msg'])).toMatch(
      /; Parameter Store \/ELASMETRICS\/STAGING\/; --format\/--output: the config file's 3 templates are not rendered$/,
    );
  });

  it("the old quick start's trap is visible: local dev mode from the example's .env is named in the log, and only the one file is written", async () => {
    const example = copyExample();
    const result = await run(['--format', 'dotenv', '--output', dir.path('one/app.env')], example, { ENV: 'STAGING', PARAMETER_STORE_PREFIX: '/ELASMETRICS' });
    expect(result.code, result.stderr).toBe(0);
    expect(parseDotenv(readFileSync(dir.path('one/app.env')))['ELASTICSEARCH_PASSWORD']).toBe('local-es-password');
    expect(fake.calls()).toEqual({});
    for (const f of OUT) expect(existsSync(`${example}/${f}`)).toBe(false);
    expect(settingsLine(result)).toMatchObject({ level: 'info', local: true, localFrom: 'LOCAL_DEV_MODE (.env)', envFiles: [`${example}/.env`] });
    expect(String(settingsLine(result)?.['msg'])).toContain('local dev mode (from LOCAL_DEV_MODE (.env))');
  });

  it('with no config file and no .env, says so and reads Parameter Store', async () => {
    const result = await run(['--format', 'yaml', '--output', 'out/app.yaml'], dir.dir, {});
    expect(result.code, result.stderr).toBe(0);
    expectNoLeak(result);
    expect(readFileSync(dir.path('out/app.yaml'), 'utf8')).toContain(CANARY);
    expect(settingsLine(result)).toMatchObject({ configFile: null, envFiles: [], local: false, destinations: [dir.path('out/app.yaml')] });
    expect(settingsLine(result)?.['msg']).toBe('read no config file and no .env file; Parameter Store /ELASMETRICS/STAGING/');
  });

  it("the config's prefix, env, required keys and defaults still apply to the one file", async () => {
    dir.write(
      'ssm-render.yaml',
      'prefix: /ELASMETRICS\nenv: STAGING\ndefaults:\n  values: { APP: { COLOR: blue } }\ntemplates:\n  - format: json\n    destination: all.json\n',
    );
    const env = { PARAMETER_STORE_PREFIX: undefined, ENV: undefined };
    const one = await run(['--format', 'dotenv', '--output', 'one.env'], dir.dir, env);
    expect(one.code, one.stderr).toBe(0);
    expect(parseDotenv(readFileSync(dir.path('one.env')))).toMatchObject({ APP_COLOR: 'blue', MYSQL_PASSWORD: `my'sql\n${CANARY}` });
    expect(existsSync(dir.path('all.json'))).toBe(false);
    dir.write('ssm-render.yaml', 'prefix: /ELASMETRICS\nenv: STAGING\nrequired: [MYSQL/NOPE]\n');
    const missing = await run(['--format', 'dotenv', '--output', 'two.env'], dir.dir, env);
    expect(missing.code).toBe(3);
    expect(lastLog(missing)['msg']).toBe('Parameter not found: /ELASMETRICS/STAGING/MYSQL/NOPE (required)');
    expect(existsSync(dir.path('two.env'))).toBe(false);
  });

  it('--dialect is refused, naming the flag, without --format dotenv', async () => {
    const yaml = await run(['--format', 'yaml', '--output', 'a.yaml', '--dialect', 'python'], dir.dir, {});
    expect(yaml.code).toBe(2);
    expect(lastLog(yaml)['msg']).toBe('`--dialect` applies to dotenv output, but `a.yaml` is written as yaml');
    const alone = await run(['--dialect', 'python'], dir.dir, {});
    expect(alone.code).toBe(2);
    expect(lastLog(alone)['msg']).toBe('`--dialect` applies to `--format dotenv --output FILE`, given without them');
    expect(existsSync(dir.path('a.yaml'))).toBe(false);
  });
});

describe('render --log-level debug', () => {
  it("logs each file's path and whether it changed; at info, no such line", async () => {
    dir.write(
      'ssm-render.yaml',
      'prefix: /ELASMETRICS\nenv: STAGING\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n  - format: json\n    destination: out/all.json\n    include: [ELASTICSEARCH]\n',
    );
    const files = [dir.path('out/all.json'), dir.path('out/app.env')];
    const perFile = (r: CliResult) =>
      r.logs
        .filter((l) => l['level'] === 'debug' && 'changed' in l)
        .map((l) => [l['destination'], l['changed'], l['msg']])
        .sort();
    const first = await run(['--log-level', 'debug'], dir.dir, {});
    expect(first.code, first.stderr).toBe(0);
    expectNoLeak(first);
    expect(perFile(first)).toEqual(files.map((f) => [f, true, `wrote ${f}`]));
    fake.put('/ELASMETRICS/STAGING/MYSQL/USER', 'someone_else', { type: 'String' });
    const second = await run(['--log-level', 'debug'], dir.dir, {});
    expect(second.code, second.stderr).toBe(0);
    expect(perFile(second)).toEqual([
      [files[0], false, `unchanged ${files[0]}`],
      [files[1], true, `wrote ${files[1]}`],
    ]);
    const quiet = await run([], dir.dir, {});
    expect(quiet.logs.filter((l) => 'changed' in l)).toEqual([]);
  });
});
