// Bundles the CLI into one file runnable with plain `node dist/ssm-render.js`.
import { build } from 'esbuild';
import { chmod, rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', legalComments: 'linked', logLevel: 'warning', sourcemap: false };
await build({ ...common, entryPoints: ['src/bin.ts'], outfile: 'dist/ssm-render.js', banner: { js: '#!/usr/bin/env node' } });
await chmod('dist/ssm-render.js', 0o755);
