// Bundles the CLI into one file runnable with plain `node dist/ssm-render.js`, and the library
// (the package's main entry) into dist/index.cjs with its dependencies left to npm, plus its types.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmod, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { writeThirdPartyLicenses } from './third-party-licenses.mjs';

await rm('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', legalComments: 'none', logLevel: 'warning', sourcemap: false };
// The dependencies' ES module builds, where they have one, let esbuild drop what we never call
// (most of the SDK's 140 commands).
// Real import() of a builtin (the SDK's http handler does one) builds an ESM facade that reads every
// export of node:http and so loads undici (~25 ms): compile import() to require() instead.
const cli = await build({ ...common, metafile: true, mainFields: ['module', 'main'], supported: { 'dynamic-import': false }, entryPoints: ['src/bin.ts'], outfile: 'dist/ssm-render.js', banner: { js: '#!/usr/bin/env node' } });
// The bundle carries other people's code: their licenses ship beside it (and in the image).
await writeThirdPartyLicenses(cli.metafile, 'dist/ssm-render.js', 'dist/THIRD-PARTY-LICENSES.txt');
await chmod('dist/ssm-render.js', 0o755);
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.cjs', packages: 'external' });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
