// Bundles the CLI into one file, dist/cli.js, run by the executable dist/ssm-render.js (which keeps
// V8's code cache for it when asked; src/boot.ts), and the library (the package's main entry) into
// dist/index.cjs with its dependencies left to npm, plus its types.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { writeThirdPartyLicenses } from './third-party-licenses.mjs';

// The commands the CLI sends. If src/ imports another one from the package, the build fails with
// "No matching export" until it is listed here.
const SSM_COMMANDS = ['GetParametersByPath', 'GetParameters', 'GetParameter', 'PutParameter', 'DeleteParameter', 'DescribeParameters'];

/**
 * Code the CLI never runs, kept out of the bundle, so that every start compiles and initialises less
 * (render N=100 about 10% faster with both; bench/RESULTS.md has the figures):
 * - `@aws-sdk/client-ssm`'s index re-exports the aggregated client, all its commands, paginators and
 *   waiters. Lazy-loaded commands make esbuild keep and initialise every module it re-exports, so
 *   the CLI imports the client and its commands from their own modules instead.
 * - Handlebars' code generator uses `source-map` only to emit source maps, which we never ask for;
 *   without it, it builds the template function with its own string builder (as in browsers).
 */
const slimDependencies = {
  name: 'slim-dependencies',
  setup(b) {
    const ssm = ['SSMClient', ...SSM_COMMANDS.map((c) => `commands/${c}Command`)];
    const contents = ssm.map((m) => `export * from '@aws-sdk/client-ssm/dist-es/${m}.js';`).join('\n');
    b.onResolve({ filter: /^@aws-sdk\/client-ssm$/ }, () => ({ path: 'client-ssm', namespace: 'slim' }));
    b.onResolve({ filter: /^source-map$/ }, () => ({ path: 'source-map', namespace: 'slim' }));
    b.onLoad({ filter: /^client-ssm$/, namespace: 'slim' }, () => ({ contents, resolveDir: process.cwd(), loader: 'js' }));
    b.onLoad({ filter: /^source-map$/, namespace: 'slim' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

await rm('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', legalComments: 'none', logLevel: 'warning', sourcemap: false };
// The dependencies' ES module builds, where they have one, let esbuild drop what we never call
// (with slimDependencies above for what lazy loading would keep anyway).
// Real import() of a builtin (the SDK's http handler does one) builds an ESM facade that reads every
// export of node:http and so loads undici (~25 ms): compile import() to require() instead.
const cli = await build({
  ...common,
  metafile: true,
  mainFields: ['module', 'main'],
  supported: { 'dynamic-import': false },
  plugins: [slimDependencies],
  entryPoints: ['src/bin.ts'],
  outfile: 'dist/cli.js',
});
// The bundle carries other people's code: their licenses ship beside it (and in the image).
await writeThirdPartyLicenses(cli.metafile, 'dist/cli.js', 'dist/THIRD-PARTY-LICENSES.txt');
// The executable knows the bundle's digest, so that a code cache made for other text is never used.
const digest = createHash('sha256')
  .update(await readFile('dist/cli.js'))
  .digest('hex');
await build({
  ...common,
  entryPoints: ['src/boot.ts'],
  outfile: 'dist/ssm-render.js',
  banner: { js: '#!/usr/bin/env node' },
  define: { SSM_RENDER_CLI_DIGEST: JSON.stringify(digest) },
});
await chmod('dist/ssm-render.js', 0o755);
await build({ ...common, entryPoints: ['src/index.ts'], outfile: 'dist/index.cjs', packages: 'external' });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
