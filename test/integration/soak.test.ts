import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { IMAGE, imageNode } from '../support/pod-sandbox';
import { isolatedEnv } from '../support/run-cli';
import { scratch } from '../support/tmp';

let fake: FakeSsm;
let harness: string;
const dir = scratch();

beforeAll(async () => {
  fake = await startFakeSsm();
  for (let i = 0; i < 50; i++) fake.put(`/SOAK/PROD/K${i}`, `value-${i}`, { type: i % 2 ? 'SecureString' : 'String' });
  fake.put('/SOAK/PROD/ROTATING', 'v0', { type: 'SecureString' });
  harness = join(mkdtempSync(join(tmpdir(), 'ssm-render-soak-')), 'watch-soak.js');
  await build({
    entryPoints: ['test/support/watch-soak.ts'],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: harness,
    logLevel: 'error',
  });
});
afterAll(async () => {
  await fake.close();
  dir.cleanup();
});

describe('a day of watching, compressed with a virtual clock', () => {
  it('runs 24 hours of 30 s cycles against the fake over HTTP with flat memory', async () => {
    const env = isolatedEnv({
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 's',
      AWS_REGION: 'eu-west-1',
      SOAK_URL: fake.url,
      SOAK_DIR: dir.dir,
      SOAK_CYCLES: '2880',
      SOAK_INTERVAL: '30000',
      SOAK_ROTATE_EVERY: '100',
      // Every 100 cycles from 1,000 on: RSS is a trend over samples, not two readings.
      SOAK_CHECKPOINTS: ['1', '100', ...Array.from({ length: 19 }, (_, i) => String(1_000 + 100 * i)), '2880'].join(','),
    });
    // The image's Node (22) with its ENTRYPOINT's flags (the heap sizing a sidecar runs with, and
    // --disable-sigusr1, which Node 20 refuses) and its malloc variables.
    const nodeFlags = IMAGE.entrypoint.slice(1, -1);
    const malloc = { MALLOC_ARENA_MAX: IMAGE.env['MALLOC_ARENA_MAX'], MALLOC_MMAP_THRESHOLD_: IMAGE.env['MALLOC_MMAP_THRESHOLD_'] };
    const { stdout } = await promisify(execFile)(imageNode(), ['--expose-gc', ...nodeFlags, harness], { env: { ...env, ...malloc }, maxBuffer: 1 << 20 });
    const report = JSON.parse(stdout) as {
      cycles: number;
      virtualHours: number;
      rotations: number;
      changes: number;
      failures: number;
      calls: number;
      decryptions: number;
      rssMiB: Record<string, number>;
      detail: Record<string, { heapUsed: number }>;
    };
    console.log('soak:', JSON.stringify(report));
    expect(report.cycles).toBe(2880);
    expect(report.virtualHours).toBeGreaterThan(23);
    expect(report.failures).toBe(0);
    expect(report.changes).toBe(report.rotations);
    // 51 parameters: 6 path calls a cycle; one decryption per rotation (plus the first render's 25).
    expect(report.decryptions).toBe(25 + 1 + report.rotations);
    // Live objects after a full GC: what a leak would grow. A day of cycles must not add 15%.
    const heap = (cycle: string) => report.detail[cycle]?.heapUsed as number;
    expect(heap('2880')).toBeLessThan(heap('100') * 1.15);
    // RSS rises while V8 sizes its heap for the (compressed, idle-free) allocation rate, then stays,
    // give or take what the allocator keeps: the last five samples against the first five after warm-up.
    const late = Object.keys(report.rssMiB)
      .map(Number)
      .filter((c) => c >= 1_000)
      .sort((a, b) => a - b);
    const median = (cycles: number[]) => cycles.map((c) => report.rssMiB[c] as number).sort((a, b) => a - b)[2] as number;
    expect(late.length).toBe(20);
    expect(median(late.slice(-5))).toBeLessThan(median(late.slice(0, 5)) * 1.1);
  }, 240_000);
});
