import { parseArgs } from 'node:util';
import { applySeed, readSeed } from './seed';
import { startFakeSsm } from './start';
import type { FakeSsmOptions } from './types';

// Runs the fake as a process: `node fake-ssm.js --port 4583 --page-size 3 --seed seed.json`; flags win over FAKE_SSM_* env.
const FLAGS = {
  port: { env: 'FAKE_SSM_PORT', numeric: true },
  'page-size': { env: 'FAKE_SSM_PAGE_SIZE', numeric: true },
  'empty-pages': { env: 'FAKE_SSM_EMPTY_PAGES', numeric: true },
  'latency-ms': { env: 'FAKE_SSM_LATENCY_MS', numeric: true },
  'rate-limit': { env: 'FAKE_SSM_RATE_LIMIT', numeric: true },
  burst: { env: 'FAKE_SSM_BURST', numeric: true },
  region: { env: 'FAKE_SSM_REGION', numeric: false },
  'account-id': { env: 'FAKE_SSM_ACCOUNT_ID', numeric: false },
  seed: { env: 'FAKE_SSM_SEED', numeric: false },
} as const;

type Flag = keyof typeof FLAGS;

function settings(argv: string[], env: NodeJS.ProcessEnv): Partial<Record<Flag, string | number>> {
  const options = Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: 'string' }])) as Record<Flag, { type: 'string' }>;
  const { values } = parseArgs({ args: argv, options, strict: true });
  const out: Partial<Record<Flag, string | number>> = {};
  for (const [flag, spec] of Object.entries(FLAGS) as Array<[Flag, (typeof FLAGS)[Flag]]>) {
    const raw = values[flag] ?? env[spec.env];
    if (raw === undefined || raw === '') continue;
    if (spec.numeric && !/^\d+(\.\d+)?$/.test(raw)) throw new Error(`Expected --${flag} (or ${spec.env}) to be a number, got \`${raw}\``);
    out[flag] = spec.numeric ? Number(raw) : raw;
  }
  return out;
}

async function main(): Promise<void> {
  const s = settings(process.argv.slice(2), process.env);
  const options: FakeSsmOptions = {
    port: s.port as number | undefined,
    region: s.region as string | undefined,
    accountId: s['account-id'] as string | undefined,
    pageSize: s['page-size'] as number | undefined,
    emptyPages: s['empty-pages'] as number | undefined,
    latencyMs: s['latency-ms'] as number | undefined,
    rateLimit: s['rate-limit'] === undefined ? undefined : { perSecond: s['rate-limit'] as number, burst: s.burst as number | undefined },
  };
  const seed = s.seed === undefined ? undefined : readSeed(String(s.seed));
  const fake = await startFakeSsm(options);
  if (seed) applySeed(fake, seed);
  const stop = () => void fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake-ssm: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
});
