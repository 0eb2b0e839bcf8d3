// The `ssm-render` executable: runs the CLI bundle (cli.js beside this file) through V8's code cache
// when Node's NODE_COMPILE_CACHE names a directory (the image sets one), and plainly otherwise.
// First: keeps SIGUSR1 from opening the inspector while the bundle loads.
import './inspector-guard';
import { join } from 'node:path';
import { runWithCodeCache } from './boot/code-cache';

declare const SSM_RENDER_CLI_DIGEST: string;

const cli = join(__dirname, 'cli.js');

/** The command's name as far as a glance at the arguments tells (it only names a cache file). */
function commandWord(args: readonly string[]): string {
  const word = args.find((a) => !a.startsWith('-'));
  return word !== undefined && /^[a-z][a-z-]{0,30}$/.test(word) ? word : 'other';
}
const dir = process.env['NODE_COMPILE_CACHE'];
if (dir && !process.env['NODE_DISABLE_COMPILE_CACHE'] && typeof process.getuid === 'function') {
  runWithCodeCache({
    file: cli,
    digest: SSM_RENDER_CLI_DIGEST,
    command: commandWord(process.argv.slice(2)),
    dir,
    flags: [...process.execArgv, process.env['NODE_OPTIONS'] ?? ''].join(' '),
    uid: process.getuid(),
    onExit: (write) => process.once('exit', write),
  });
} else {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a file beside this one, not a module to bundle
  require(cli);
}
