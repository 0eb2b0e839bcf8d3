import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import type { FakeSsm } from '../support/fake-ssm';
import { runCli, type CliResult } from '../support/run-cli';
import { awsEnv, expectNoLeak, guideHooks, lastLog, PATH, type Scratch } from '../support/toolkit';

// An answer that is not Parameter Store's JSON says what came back and the likely cause (a proxy,
// a wrong endpoint), never the body: a body cut short can hold a value, and JSON.parse quotes it.

let fake: FakeSsm;
let dir: Scratch;
guideHooks((f, d) => {
  fake = f;
  dir = d;
  dir.write('ssm-render.yaml', 'templates:\n  - format: dotenv\n    destination: out/app.env\n');
});

const run = (args: string[]): Promise<CliResult> => runCli(args, { cwd: dir.dir, env: awsEnv(fake, { AWS_MAX_ATTEMPTS: '1' }) });

describe('the fake can answer as something else would', () => {
  it('an HTML page with the status asked for, and a JSON answer with a stray byte before a value', async () => {
    const ssm = new SSMClient({ region: 'eu-west-1', endpoint: fake.url, credentials: { accessKeyId: 'AKIDRAW', secretAccessKey: 'x' }, maxAttempts: 1 });
    try {
      fake.inject({ kind: 'html', status: 502, times: 1 });
      const html = (await ssm.send(new GetParameterCommand({ Name: `${PATH}MYSQL/USER` })).catch((e: unknown) => e)) as Error & Record<string, never>;
      expect(html.name).toBe('SyntaxError');
      expect((html.$metadata as unknown as { httpStatusCode: number }).httpStatusCode).toBe(502);
      fake.inject({ kind: 'corrupt-json', times: 1 });
      const corrupt = (await ssm
        .send(new GetParameterCommand({ Name: `${PATH}ELASTICSEARCH/PASSWORD`, WithDecryption: true }))
        .catch((e: unknown) => e)) as Error;
      expect(corrupt.name).toBe('SyntaxError');
      // What the parser says quotes the value's first characters: the reason ssm-render never shows it.
      expect(corrupt.message).toContain('x"es-CANAR');
      expect(() => fake.inject({ kind: 'html', status: 99 })).toThrow(/Expected the fault `status` to be an HTTP status/);
    } finally {
      ssm.destroy();
    }
  });
});

describe('an answer that is not JSON', () => {
  it('an HTML page with HTTP 200 (a captive portal, a proxy login) names it and points at the proxy and the endpoint', async () => {
    fake.inject({ kind: 'html', status: 200 });
    const result = await run(['get', 'MYSQL/PASSWORD']);
    expect(result.code).toBe(3);
    expectNoLeak(result);
    expect(lastLog(result)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      msg: `Parameter Store's answer to GetParameter on ${PATH}MYSQL/PASSWORD was an HTML page, not JSON (HTTP 200)`,
    });
    const hint = String(lastLog(result)['hint']);
    expect(hint).toMatch(/proxy \(HTTPS_PROXY/);
    expect(hint).toContain(`check the endpoint ${new URL(fake.url).href} (from AWS_ENDPOINT_URL (environment))`);
    expect(hint).not.toMatch(/AWS error code/);
    expect(result.stderr).not.toMatch(/Service Unavailable|<html|SyntaxError/i);
  });

  it('an HTML 503 from a proxy says so (not "(SyntaxError)"), and that a 5xx is retried', async () => {
    fake.inject({ kind: 'html' });
    const result = await run(['render']);
    expect(result.code).toBe(3);
    expectNoLeak(result);
    expect(lastLog(result)['msg']).toBe(`Parameter Store's answer to GetParametersByPath on ${PATH} was an HTML page, not JSON (HTTP 503)`);
    expect(String(lastLog(result)['hint'])).toMatch(/a proxy .* or a wrong endpoint; check the endpoint .*; a 5xx is retried$/);
    expect(result.stderr).not.toMatch(/<html|SyntaxError/i);
  });

  it('a JSON answer cut or altered on its way: not valid JSON, and the value it held is nowhere in the output', async () => {
    fake.inject({ kind: 'corrupt-json' });
    for (const args of [['render'], ['get', 'MYSQL/PASSWORD'], ['ls', '--show-values']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(3);
      expectNoLeak(result);
      for (const text of [result.stdout, result.stderr]) expect(text).not.toMatch(/CANAR|es-C|x"/);
      expect(String(lastLog(result)['msg'])).toMatch(/^Parameter Store's answer to \w+ on \S+ was not valid JSON \(HTTP 200\)$/);
      expect(String(lastLog(result)['hint'])).toMatch(/^the answer was cut short or changed on its way/);
    }
  });
});
