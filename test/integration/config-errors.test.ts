import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli, type CliResult } from '../support/run-cli';
import { scratch } from '../support/tmp';
import type { Scratch } from '../support/toolkit';

// Config and flag mistakes, through the built CLI in local mode: no AWS, no network.
const CANARY = 'CANARY-config-errors-5e1';
const BASE = 'templates:\n  - { format: dotenv, destination: out/app.env }\n';

let dir: Scratch;
beforeEach(() => {
  dir = scratch();
});
afterEach(() => dir.cleanup());

function cli(args: readonly string[], yaml?: string): Promise<CliResult> {
  if (yaml !== undefined) dir.write('ssm-render.yaml', yaml);
  return runCli(['--local', ...args], { cwd: dir.dir, env: isolatedEnv({ MYSQL_PASSWORD: CANARY }), timeoutMs: 20_000 });
}
/** Exit 2 with one error line naming what was wrong; returns that line's message. */
function configError(result: CliResult): string {
  expect(result.code).toBe(2);
  const error = result.logs.find((l) => l['level'] === 'error');
  expect(error).toMatchObject({ code: 'CONFIG_INVALID', exitCode: 2 });
  expect(result.stderr).not.toContain(CANARY);
  return String(error?.['msg']);
}

describe('a hostile or mistaken config file is exit 2 with a message', () => {
  it('an alias bomb, refused quickly', async () => {
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const started = performance.now();
    const result = await cli(['render'], `${levels.join('\n')}\n`);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(configError(result)).toMatch(/^Config file `.*ssm-render\.yaml` expands its aliases \(`\*name`\) into more than 100 copies$/);
  });

  it('a file over 1 MiB, unread', async () => {
    const result = await cli(['render'], `${BASE}# ${'x'.repeat(1024 * 1024)}\n`);
    expect(configError(result)).toMatch(/is larger than 1 MiB, the limit for a config file/);
  });

  it('a key set twice, by its path and both lines', async () => {
    const result = await cli(['render'], `${BASE}watch:\n  interval: 5m\n  jitter: 0.1\n  interval: 1m\n`);
    expect(configError(result)).toMatch(/sets `watch\.interval` twice, at line 4 and line 6/);
  });

  it('an unknown key under watch', async () => {
    expect(configError(await cli(['render'], `${BASE}watch: { intervall: 5m }\n`))).toMatch(/Unknown key `watch\.intervall` \(did you mean `interval`\?\)/);
  });

  it('a null under defaults.values says what is expected', async () => {
    const message = configError(await cli(['render'], `${BASE}defaults:\n  values:\n    PASSWORD: null\n`));
    expect(message).toMatch(/Expected `defaults\.values\.PASSWORD` to be text, a number, `true`\/`false` or a nested mapping, got `null`/);
  });

  it('a duration echoed as written: `500ms`, not the number it became', async () => {
    const message = configError(await cli(['render'], `${BASE}watch: { interval: 500ms }\n`));
    expect(message).toMatch(/Expected `watch\.interval` to be at least `1s`, got `500ms` \(string\)/);
  });
});

describe('duration flags are checked as the config file checks its durations', () => {
  it('watch --interval 0s is refused before any call, as watch.interval: 0s is', async () => {
    expect(configError(await cli(['watch', '--interval', '0s'], BASE))).toBe('Expected `--interval` to be at least `1s`, got `0s`');
    expect(configError(await cli(['watch'], `${BASE}watch: { interval: 0s }\n`))).toMatch(/Expected `watch\.interval` to be at least `1s`, got `0s`/);
  });

  it('exec --interval 500ms, and an interval too long for a timer', async () => {
    expect(configError(await cli(['exec', '--interval', '500ms', '--', 'true'], BASE))).toBe('Expected `--interval` to be at least `1s`, got `500ms`');
    expect(configError(await cli(['watch', '--interval', '30d'], BASE))).toBe('Expected `--interval` to be at most `20d`, got `30d`');
  });

  it('--wait refuses a word', async () => {
    expect(configError(await cli(['watch', '--wait', 'soon'], BASE))).toBe('Expected `--wait` to be a duration such as `30s` or `5m`, got `soon`');
  });
});

describe('a flag error names the flag, not a config path', () => {
  it('--dialect on output that is not dotenv', async () => {
    const result = await cli(['render', '--format', 'yaml', '--output', 'x.yaml', '--dialect', 'node']);
    expect(configError(result)).toBe('`--dialect` applies to dotenv output, but `x.yaml` is written as yaml');
  });

  it('--format outside the set', async () => {
    expect(configError(await cli(['render', '--format', 'toml', '--output', 'x.toml']))).toBe(
      'Expected `--format` to be one of dotenv, shell, yaml, json, properties, got `toml`',
    );
  });
});
