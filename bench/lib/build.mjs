// Bundles what the benchmarks run (the fake, the in-process harnesses, the bundled naive scripts)
// with esbuild into a scratch directory, the way the product itself is bundled.
import { join } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from './proc.mjs';

const ENTRIES = {
  fake: 'test/support/fake-ssm/main.ts',
  renderCommit: 'bench/harness/render-commit.ts',
  refresh: 'bench/harness/refresh.ts',
  memory: 'bench/harness/memory.ts',
  fleet: 'bench/harness/fleet.ts',
  naiveBundled: 'bench/naive-sdk.mjs',
  naiveWatch: 'bench/naive-sdk-watch.mjs',
  sdkAlone: 'bench/sdk-alone.mjs',
};

/** { name: path of the bundle } for every entry, built in parallel. */
export async function buildBundles(outdir) {
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', absWorkingDir: ROOT };
  const out = Object.fromEntries(Object.keys(ENTRIES).map((name) => [name, join(outdir, `${name}.cjs`)]));
  await Promise.all(Object.entries(ENTRIES).map(([name, entry]) => build({ ...common, entryPoints: [entry], outfile: out[name] })));
  return out;
}
