import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { eventually, msg, startCli } from '../support/cli-process';
import { runCli, type CliResult } from '../support/run-cli';
import { scratch } from '../support/tmp';
import { awsEnv, CANARY, expectNoLeak, type Scratch } from '../support/toolkit';

const ROLE = 'arn:aws:iam::111111111111:role/ssm-render-reader';
const CALLER = 'AKIDTOOLKIT'; // awsEnv's access key

// A fresh fake per test: roles and issued credentials are state.
let fake: FakeSsm;
let dir: Scratch;
beforeEach(async () => {
  fake = await startFakeSsm();
  dir = scratch();
  fake.put('/ELASMETRICS/STAGING/A', 'own', { type: 'String' });
  fake.put('/SECURITY/STAGING/TOKEN', `tok-${CANARY}`, { type: 'SecureString' });
});
afterEach(async () => {
  dir.cleanup();
  await fake.close();
});

function configure(role: string, externalId?: string): void {
  dir.write(
    'ssm-render.yaml',
    [
      'prefix: /ELASMETRICS',
      'sources:',
      '  - path: "/ELASMETRICS/{env}/"',
      '  - path: /SECURITY/{env}/',
      '    key_prefix: SECURITY',
      `    role_arn: ${role}`,
      ...(externalId === undefined ? [] : [`    external_id: ${externalId}`]),
      'templates:',
      '  - format: json',
      '    destination: out/all.json',
      '',
    ].join('\n'),
  );
}

const render = (): Promise<CliResult> => runCli(['render'], { cwd: dir.dir, env: awsEnv(fake) });
const signers = (path: string) =>
  fake
    .requests()
    // A listing, or (between listings, watch.discovery_interval) a check or fetch by name.
    .filter((r) => (r.operation === 'GetParametersByPath' || r.operation === 'GetParameters') && (r.resources ?? []).some((arn) => arn.includes(path)))
    .map((r) => r.accessKeyId);

describe('role_arn', () => {
  it("signs that source's calls with the assumed role's credentials and the others with the caller's own", async () => {
    fake.addRole(ROLE, { trustedAccessKeys: [CALLER], externalId: 'elasmetrics', readablePaths: ['/SECURITY/'] });
    configure(ROLE, 'elasmetrics');
    const result = await render();
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(dir.path('out/all.json'), 'utf8'))).toEqual({ A: 'own', SECURITY: { TOKEN: `tok-${CANARY}` } });
    const [issued] = fake.issuedCredentials();
    expect(issued).toMatchObject({ roleArn: ROLE, externalId: 'elasmetrics' });
    expect(issued?.sessionName).toMatch(/^ssm-render-/);
    expect(issued?.sessionName.length).toBeLessThanOrEqual(64);
    expect(signers('SECURITY/STAGING')).toEqual([issued?.accessKeyId]);
    expect(signers('ELASMETRICS/STAGING')).toEqual([CALLER]);
    expectNoLeak(result);
  });

  it('is its own error when the role does not trust the caller: exit 3, the hint naming the role and its trust policy', async () => {
    fake.addRole(ROLE, { trustedAccessKeys: ['AKIDSOMEONEELSE'] });
    configure(ROLE);
    const result = await render();
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain(`Access denied: sts:AssumeRole on ${ROLE}`);
    expect(result.stderr).toContain(`check the trust policy of ${ROLE}`);
    expect(result.stderr).toContain('ASSUME_ROLE_DENIED');
    expect(signers('SECURITY/STAGING')).toEqual([]);
    expectNoLeak(result);
  });

  it('is refused the same way for a wrong external id', async () => {
    fake.addRole(ROLE, { trustedAccessKeys: [CALLER], externalId: 'elasmetrics' });
    configure(ROLE, 'not-it');
    const result = await render();
    expect(result.code, result.stderr).toBe(3);
    expect(result.stderr).toContain('sts:ExternalId');
  });
});

describe('role_arn in watch', () => {
  it('assumes the role again before its credentials expire, and signs the later calls with the new ones', async () => {
    // 303 s: within the SDK's 5-minute refresh window after about 3 s.
    fake.addRole(ROLE, { trustedAccessKeys: [CALLER], readablePaths: ['/SECURITY/'], durationSeconds: 303 });
    configure(ROLE);
    const cli = startCli(['watch', '--interval', '1h'], { cwd: dir.dir, env: awsEnv(fake, { SSM_RENDER_LOG_LEVEL: 'debug' }) });
    try {
      await cli.waitForLog(msg('first render complete, watching'), 30_000);
      const first = fake.issuedCredentials().at(-1)?.accessKeyId;
      await new Promise((r) => setTimeout(r, 4_000));
      fake.put('/SECURITY/STAGING/TOKEN', `tok2-${CANARY}`, { type: 'SecureString' });
      cli.kill('SIGHUP');
      await eventually(() => (readFileSync(dir.path('out/all.json'), 'utf8').includes('tok2-') ? true : undefined), 20_000, 'the new token rendered');
      // The SDK may assume the role once more after the last call (it refreshes inside 5 minutes of
      // expiry), so the last call's key is one issued after the first, not necessarily the newest.
      const issued = fake.issuedCredentials().map((c) => c.accessKeyId);
      const last = signers('SECURITY/STAGING').at(-1);
      expect(last).not.toBe(first);
      expect(issued.indexOf(last as string)).toBeGreaterThan(issued.indexOf(first as string));
      expect(signers('ELASMETRICS/STAGING').every((k) => k === CALLER)).toBe(true);
      expect(cli.output()).not.toContain(CANARY);
    } finally {
      cli.kill('SIGTERM');
      await cli.exited;
    }
  }, 60_000);
});
