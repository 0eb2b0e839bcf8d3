import { appendFileSync, chmodSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { bundleForAnyUser, runCli } from '../support/run-cli';
import { awsEnv, CANARY, expectNoLeak, guideHooks, type Scratch } from '../support/toolkit';

// The executable runs the bundle through V8's code cache in the directory NODE_COMPILE_CACHE names:
// made at the end of a run, read by the next. It is code for the bundle's text and nothing of a run.

let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
});

const CREDENTIAL = 'CACHE-CANARY-credential-7f3a';
const DEBUG = { NODE_DEBUG: 'ssm-render-code-cache' };
const cacheFiles = (cache: string) => readdirSync(cache).filter((f) => /^ssm-render-.*\.cache$/.test(f));

function render(cache: string | undefined, extra: Record<string, string | undefined> = {}, bundle?: string) {
  return renderIn(awsEnv(fake, { ...DEBUG, NODE_COMPILE_CACHE: cache, ...extra }), bundle);
}

function renderIn(env: Record<string, string>, bundle?: string) {
  return runCli(['render', '--format', 'dotenv', '--output', dir.path('out/app.env')], { cwd: dir.path(), env, ...(bundle ? { bundle } : {}) });
}

/** Every form V8 could keep a string in: one byte a character, or two. */
const expectAbsent = (bytes: Buffer, text: string) => {
  expect(bytes.includes(Buffer.from(text, 'latin1')), text).toBe(false);
  expect(bytes.includes(Buffer.from(text, 'utf16le')), text).toBe(false);
};

describe('the code cache (NODE_COMPILE_CACHE)', () => {
  it('is made at the end of the first run, holds nothing of that run (values, credentials, environment, time), and the next run, in another environment, uses it and sees only its own', async () => {
    const cache = dir.path('cache');
    const env = awsEnv(fake, { ...DEBUG, NODE_COMPILE_CACHE: cache, AWS_SECRET_ACCESS_KEY: CREDENTIAL });
    const first = await renderIn(env);
    expect(first.code, first.stderr).toBe(0);
    expectNoLeak(first);
    expect(first.stderr).toMatch(/no usable cache at [\s\S]*wrote the cache at /);
    const [file, ...more] = cacheFiles(cache);
    expect(more).toEqual([]);
    const made = statSync(join(cache, file as string));
    expect(made.mode & 0o777).toBe(0o600);
    expect(made.size).toBeGreaterThan(500_000); // every function the render compiled, not only the top level

    const bytes = readFileSync(join(cache, file as string));
    // The search finds what V8 does keep: the bundle's own strings.
    expect(bytes.includes(Buffer.from('GetParametersByPath', 'latin1'))).toBe(true);
    const started = String(first.logs[0]?.['time']);
    expect(started).toMatch(/^\d{4}-\d\d-\d\dT/);
    for (const text of [CANARY, 'es-CANARY', CREDENTIAL, fake.url, env['HOME'] as string, dir.path(), started, started.slice(0, 16)]) expectAbsent(bytes, text);

    // Another environment: other credentials, another Parameter Store path with its own value.
    fake.put('/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD', 'production-only-value', { type: 'SecureString' });
    const second = await render(cache, { ENV: 'PRODUCTION', AWS_ACCESS_KEY_ID: 'AKIDOTHER', AWS_SECRET_ACCESS_KEY: 'other' });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/accepted the cache at /);
    expect(second.stderr).not.toMatch(/wrote the cache/);
    expect(parseDotenv(readFileSync(dir.path('out/app.env')))).toEqual({ MYSQL_PASSWORD: 'production-only-value' });
    expect(statSync(join(cache, file as string)).mtimeMs).toBe(made.mtimeMs);
    expect(String(second.logs[0]?.['time']) > started).toBe(true);
  });

  it("is one a command: a render starts from `version`'s (all the image is built with), then keeps its own, which holds more", async () => {
    const cache = dir.path('cache');
    const env = awsEnv(fake, { ...DEBUG, NODE_COMPILE_CACHE: cache });
    const version = await runCli(['version'], { cwd: dir.path(), env });
    expect(version.code, version.stderr).toBe(0);
    expect(cacheFiles(cache)).toEqual([expect.stringMatching(/-version\.cache$/)]);
    const first = await renderIn(env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/accepted the cache at \S+-version\.cache[\s\S]*wrote the cache at \S+-render\.cache/);
    const [render, made] = ['render', 'version'].map((c) => statSync(join(cache, cacheFiles(cache).find((f) => f.endsWith(`-${c}.cache`)) as string)));
    expect(render?.size).toBeGreaterThan(1.5 * (made?.size ?? 0));
    const second = await renderIn(env);
    expect(second.stderr).toMatch(/accepted the cache at \S+-render\.cache/);
    expect(second.stderr).not.toMatch(/wrote the cache/);
  });

  it('is not used, and is made again, when others may write it or the bundle changed', async () => {
    const cache = dir.path('cache');
    const bundle = bundleForAnyUser();
    expect((await render(cache, {}, bundle)).code).toBe(0);
    const [file] = cacheFiles(cache);
    chmodSync(join(cache, file as string), 0o666);
    const open = await render(cache, {}, bundle);
    expect(open.code, open.stderr).toBe(0);
    expect(open.stderr).toMatch(/no usable cache at [\s\S]*wrote the cache at /);
    expect(statSync(join(cache, file as string)).mode & 0o777).toBe(0o600);

    appendFileSync(join(dirname(bundle), 'cli.js'), '\n// edited\n');
    const edited = await render(cache, {}, bundle);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stderr).toMatch(/no usable cache at /);
    expect(cacheFiles(cache)).toHaveLength(2);
  });

  it('is neither read nor made without NODE_COMPILE_CACHE, or with NODE_DISABLE_COMPILE_CACHE', async () => {
    const cache = dir.path('cache');
    const none = await render(undefined);
    expect(none.code, none.stderr).toBe(0);
    const disabled = await render(cache, { NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(disabled.code, disabled.stderr).toBe(0);
    for (const r of [none, disabled]) expect(r.stderr).not.toMatch(/SSM-RENDER-CODE-CACHE/);
    expect(() => readdirSync(cache)).toThrow(/ENOENT/);
  });
});
