// The compose demo's app: reads the rendered .env and prints which keys it got, never a value;
// prints them again whenever ssm-render replaces the file. `--once`: print and exit.
/* eslint-disable no-console -- the demo app reports on stdout */
import { readFileSync, watchFile } from 'node:fs';
import { parseEnv } from 'node:util';

const file = process.argv.find((arg, i) => i > 1 && !arg.startsWith('--')) ?? '/secrets/app.env';

function show(reason) {
  const keys = Object.keys(parseEnv(readFileSync(file, 'utf8'))).sort();
  console.log(`${reason}: ${file} has ${keys.length} keys: ${keys.join(', ')}`);
}

show('started');
if (!process.argv.includes('--once')) {
  watchFile(file, { interval: 1000 }, (now, before) => {
    if (now.mtimeMs !== before.mtimeMs) show('changed');
  });
  process.on('SIGTERM', () => process.exit(0));
}
