// Bundles the CLI into one file runnable with plain `node dist/ssm-render.js`, and the library
// (the package's main entry) into dist/index.cjs with its dependencies left to npm, plus its types.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmod, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';

await rm('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', legalComments: 'linked', logLevel: 'warning', sourcemap: false };
await build({ ...common, entryPoints: ['src/bin.ts'], outfile: 'dist/ssm-render.js', banner: { js: '#!/usr/bin/env node' } });
await chmod('dist/ssm-render.js', 0o755);
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.cjs', packages: 'external' });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
