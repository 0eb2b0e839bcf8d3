import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { msg, startCli } from '../support/cli-process';
import { runCli, type CliResult } from '../support/run-cli';
import { scratch } from '../support/tmp';
import { awsEnv, CANARY, clear, expectNoLeak, type Scratch } from '../support/toolkit';

// Two fake Parameter Stores, one per region, each on its own port: the primary is made to fail.
let primary: FakeSsm;
let fallback: FakeSsm;
let dir: Scratch;
beforeAll(async () => {
  [primary, fallback] = await Promise.all([startFakeSsm(), startFakeSsm()]);
});
afterAll(async () => {
  await Promise.all([primary.close(), fallback.close()]);
});
beforeEach(() => {
  dir?.cleanup();
  dir = scratch();
  for (const fake of [primary, fallback]) {
    clear(fake);
    fake.clearFaults();
    fake.resetCounters();
  }
  primary.put('/SECURITY/STAGING/TOKEN', `primary-${CANARY}`, { type: 'SecureString' });
  fallback.put('/SECURITY/STAGING/TOKEN', `fallback-${CANARY}`, { type: 'SecureString' });
  fallback.put('/ELASMETRICS/STAGING/A', 'main', { type: 'String' });
});

/** A port nothing listens on: one the system gave and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

function configure(primaryUrl: string): void {
  dir.write(
    'ssm-render.yaml',
    [
      'prefix: /ELASMETRICS',
      'request_timeout: 1s',
      'sources:',
      '  - path: "/ELASMETRICS/{env}/"',
      '  - path: /SECURITY/{env}/',
      '    key_prefix: SECURITY',
      '    region: eu-west-1',
      `    endpoint_url: ${primaryUrl}`,
      '    fallback_region: eu-central-1',
      `    fallback_endpoint_url: ${fallback.url}`,
      'templates:',
      '  - format: json',
      '    destination: out/all.json',
      '',
    ].join('\n'),
  );
}

// The main source reads the fallback fake too (AWS_ENDPOINT_URL), so that only sources[1]'s primary can fail.
const render = (): Promise<CliResult> => runCli(['render'], { cwd: dir.dir, env: awsEnv(fallback, { AWS_REGION: 'us-east-1' }) });
const token = () => (JSON.parse(readFileSync(dir.path('out/all.json'), 'utf8')) as { SECURITY: { TOKEN: string } }).SECURITY.TOKEN;
const regionsAsked = (fake: FakeSsm) => [...new Set(fake.requests().map((r) => r.region))];

describe('fallback_region', () => {
  it('reads the primary region when it answers, and never the fallback for that source', async () => {
    configure(primary.url);
    const result = await render();
    expect(result.code, result.stderr).toBe(0);
    expect(token()).toBe(`primary-${CANARY}`);
    expect(regionsAsked(primary)).toEqual(['eu-west-1']);
    expect(regionsAsked(fallback)).toEqual(['us-east-1']);
  });

  const failures: Array<[string, () => Promise<string>]> = [
    ['refusing connections', async () => `http://127.0.0.1:${await closedPort()}`],
    [
      'answering 500',
      async () => {
        primary.inject({ kind: 'server-error' });
        return primary.url;
      },
    ],
    [
      'hanging past the request timeout',
      async () => {
        primary.inject({ kind: 'latency', latencyMs: 5_000 });
        return primary.url;
      },
    ],
    [
      'throttling after the retries',
      async () => {
        primary.inject({ kind: 'throttle' });
        return primary.url;
      },
    ],
  ];
  for (const [what, fail] of failures) {
    it(`reads the fallback region when the primary is ${what}, and says so`, async () => {
      configure(await fail());
      const result = await render();
      expect(result.code, result.stderr).toBe(0);
      expect(token()).toBe(`fallback-${CANARY}`);
      expect(regionsAsked(fallback)).toEqual(['us-east-1', 'eu-central-1']);
      const line = result.logs.find((l) => l['site'] === 'fallback');
      expect(line).toMatchObject({ level: 'warn', source: 'sources[1]', region: 'eu-central-1' });
      expectNoLeak(result);
    }, 30_000);
  }

  it('does not fail over on AccessDenied: exit 3 naming the primary, and the fallback is never read for that source', async () => {
    primary.inject({ kind: 'access-denied' });
    configure(primary.url);
    const result = await render();
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('Access denied');
    expect(regionsAsked(fallback)).toEqual(['us-east-1']);
    expectNoLeak(result);
  });
});

describe('ls and get --source N', () => {
  const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: dir.dir, env: awsEnv(fallback, { AWS_REGION: 'us-east-1' }) });

  it("read in that source's region and endpoint, relative names under its path", async () => {
    configure(primary.url);
    const got = await cli(['get', '--source', '1', 'TOKEN']);
    expect(got.code, got.stderr).toBe(0);
    expect(got.stdout).toBe(`primary-${CANARY}\n`);
    const listed = await cli(['ls', '--source', '1', '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as Array<{ name: string }>).map((p) => p.name)).toEqual(['/SECURITY/STAGING/TOKEN']);
    expect(regionsAsked(primary)).toEqual(['eu-west-1']);
    const full = await cli(['get', '--source', '1', '/SECURITY/STAGING/TOKEN']);
    expect(full.stdout).toBe(`primary-${CANARY}\n`);
  });

  it('refuses a position that is not in `sources:` (exit 2)', async () => {
    configure(primary.url);
    const result = await cli(['get', '--source', '2', 'TOKEN']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Expected `--source` to be a position in `sources:` from 0 to 1, got `2`');
  });
});

describe('fallback_region in watch', () => {
  it('the health endpoint and the metrics say which region served the source; the primary is tried again at the next refresh', async () => {
    primary.inject({ kind: 'server-error' });
    configure(primary.url);
    const cli = startCli(['watch', '--interval', '1h', '--listen', '127.0.0.1:0'], { cwd: dir.dir, env: awsEnv(fallback, { AWS_REGION: 'us-east-1' }) });
    const readyz = async (base: string) => ((await (await fetch(`http://${base}/readyz`)).json()) as { sources?: Record<string, unknown> }).sources;
    try {
      await cli.waitForLog(msg('first render complete, watching'), 30_000);
      const base = String((await cli.waitForLog(msg('health endpoints listening')))['address']);
      expect(await readyz(base)).toEqual({ 'sources[1]': { site: 'fallback', region: 'eu-central-1' } });
      const metrics = await (await fetch(`http://${base}/metrics`)).text();
      expect(metrics).toMatch(/ssm_render_source_reads_total\{source="sources\[1\]",site="fallback",region="eu-central-1"\} [1-9]/);
      expect(metrics).not.toContain(CANARY);
      // The primary recovers: the next refresh reads it again, and says so.
      primary.clearFaults();
      cli.kill('SIGHUP');
      await cli.waitForLog(msg('sources[1] read from its primary region eu-west-1 again'), 20_000);
      expect(await readyz(base)).toEqual({ 'sources[1]': { site: 'primary', region: 'eu-west-1' } });
      expect(cli.output()).not.toContain(CANARY);
    } finally {
      cli.kill('SIGTERM');
      await cli.exited;
    }
  }, 60_000);
});
