import type { Command } from 'commander';
import { DIALECTS, FORMAT_NAMES, LS_FORMATS, PARAMETER_TIERS, PARAMETER_TYPES } from '../config/choices';
import { LONG_LIVED_NODE_FLAGS } from './relaunch';
import type { World } from './world';

export type Run = (task: () => Promise<number | void>) => Promise<void>;

const WAIT = 'at start, retry an unreachable Parameter Store or missing credentials for this long';
const INTERVAL = 'override watch.interval (default 5m)';
const LISTEN = 'serve /healthz, /readyz, /metrics and POST /refresh here (off by default)';
const TOKEN_FILE =
  'POST /refresh requires `Authorization: Bearer TOKEN` with the token in this file (mode 0600); without it, only a loopback --listen serves it';
const READY = 'create this file after the first good render; removed when stale and on exit';
const NAME = 'a full name (/ELASMETRICS/STAGING/MYSQL/PASSWORD) or a key relative to /<prefix>/<env>/ (MYSQL/PASSWORD)';

/**
 * Every command's flags and help. Each action imports its implementation only when it runs, so
 * `--help` and `version` load nothing else, and `render` does not load what `watch` needs.
 */
export function defineCommands(program: Command, world: World, run: Run): void {
  program
    .command('render')
    .description('fetch the parameters once, render every destination, write the files atomically, exit')
    .option('--dry-run', 'fetch and render, print which files would change, write nothing')
    .option('--format <format>', `render every parameter in a built-in format (${FORMAT_NAMES.join('|')}) ...`)
    .option('--output <file>', "... into this one file, instead of the config file's templates (with --format)")
    .option('--dialect <dialect>', `dotenv dialect for --format dotenv (${DIALECTS.join('|')})`)
    .option(
      '--reuse-within <duration>',
      'if Parameter Store fails transiently (throttled, 5xx, network), keep files this config rendered within this long (e.g. 15m), exit 0',
    )
    .action((_opts: unknown, command: Command) => run(async () => (await import('./render')).renderCommand(world, command.optsWithGlobals())));

  program
    .command('watch')
    .description('render, then re-render every watch.interval (SIGHUP: now), notify the app on change; SIGTERM stops, exit 0')
    .option('--wait <duration>', WAIT, '60s')
    .option('--interval <duration>', INTERVAL)
    .option('--listen <host:port>', LISTEN)
    .option('--refresh-token-file <file>', TOKEN_FILE)
    .option('--ready-file <path>', READY)
    .action((_opts: unknown, command: Command) =>
      run(async () => {
        // Before anything is logged or opened: the process starts again, in place, for the long run.
        world.relaunch?.(LONG_LIVED_NODE_FLAGS);
        return (await import('./watch')).watchCommand(world, command.optsWithGlobals());
      }),
    );

  program
    .command('exec')
    .description('render, run CMD as a child, keep the files fresh, reload or restart it on change; exit with its code')
    .usage('[--env] [options] -- CMD [ARGS...]')
    .argument('<command...>', 'the program to run and its arguments (after --)')
    // `--env` here is rewritten to `--with-env` before parsing (exec-args.ts): the help says `--env`.
    .option(
      '--with-env',
      "also put every parameter in the child's environment (MYSQL_PASSWORD, ...); right before `--` or another option (`--env NAME` chooses the environment)",
    )
    .configureHelp({ optionTerm: (option) => (option.long === '--with-env' ? '--env' : option.flags) })
    .showHelpAfterError('(put `--` before the command and its arguments: ssm-render exec [--env] [options] -- CMD [ARGS...]; run with --help for usage)')
    .option('--wait <duration>', WAIT, '60s')
    .option('--interval <duration>', INTERVAL)
    .option('--listen <host:port>', LISTEN)
    .option('--refresh-token-file <file>', TOKEN_FILE)
    .option('--ready-file <path>', READY)
    .action((args: string[], _opts: unknown, command: Command) => {
      const { withEnv, ...options } = command.optsWithGlobals();
      return run(async () => (await import('./exec')).execCommand(world, args, options, withEnv === true));
    });

  program
    .command('get')
    .description("print one parameter's value alone on stdout (decrypted), for $(ssm-render get NAME)")
    .argument('<name>', `${NAME}; \`:3\` or \`:label\` allowed`)
    .option('--default <value>', 'print this when the parameter does not exist (any other failure still fails)')
    .option('--no-decrypt', 'print a SecureString as its ciphertext instead of decrypting it')
    .option('-n, --no-newline', 'print the value without the trailing newline')
    .option('--source <n>', 'read in the account, region and endpoint of `sources[n]` (a relative NAME is under its path)')
    .action((name: string, _opts: unknown, command: Command) => run(async () => (await import('./get')).getCommand(world, name, command.optsWithGlobals())));

  program
    .command('ls')
    .description('list the parameters under PATH (default /<prefix>/<env>/): name, type, version, last modified; values only with --show-values')
    .argument('[path]', 'a path such as /ELASMETRICS/STAGING/ or, relative to /<prefix>/<env>/, MYSQL')
    .option('-r, --recursive', "every level below PATH (default: PATH's own parameters, and its sub-paths as `path` rows)")
    .option('--format <format>', `output format: ${LS_FORMATS.join('|')} (default table)`)
    .option('--show-values', 'print the values (decrypted); masked otherwise')
    .option('--source <n>', 'read in the account, region and endpoint of `sources[n]` (default PATH: its path)')
    .action((path: string | undefined, _opts: unknown, command: Command) =>
      run(async () => (await import('./ls')).lsCommand(world, path, command.optsWithGlobals())),
    );

  program
    .command('put')
    .description('store a parameter; VALUE `-` or absent reads standard input (less one trailing newline), keeping it out of shell history')
    .argument('<name>', NAME)
    .argument('[value]', 'the value; `-` or absent: read it from standard input (a hidden prompt on a terminal)')
    .option('--type <type>', `${PARAMETER_TYPES.join('|')} (default SecureString; with --overwrite, the existing type is kept)`)
    .option('--description <text>', "the parameter's description")
    .option('--overwrite', 'replace an existing parameter (a new version); without it, an existing name is an error')
    .option('--key-id <key>', "KMS key for a SecureString: key ARN, key id or alias/NAME (default: the account's aws/ssm key)")
    .option('--tier <tier>', `${PARAMETER_TIERS.join('|')} (Standard holds 4 KB, Advanced 8 KB)`)
    .action((name: string, value: string | undefined, _opts: unknown, command: Command) =>
      run(async () => (await import('./put')).putCommand(world, name, value, command.optsWithGlobals())),
    );

  program
    .command('delete')
    .description('delete a parameter (every version); asks on a terminal unless --yes, refuses without --yes elsewhere')
    .argument('<name>', 'a full name or a key relative to /<prefix>/<env>/')
    .option('-y, --yes', 'delete without asking')
    .action((name: string, _opts: unknown, command: Command) =>
      run(async () => (await import('./delete')).deleteCommand(world, name, command.optsWithGlobals())),
    );

  program
    .command('health-check')
    .description('check region, endpoint, credentials (their kind, never the keys), the path and every required parameter; exit 0 only when all pass')
    .option('--json', 'print the report as JSON')
    .action((_opts: unknown, command: Command) => run(async () => (await import('./health-check')).healthCheckCommand(world, command.optsWithGlobals())));

  program
    .command('iam-policy')
    .description('print the least-privilege IAM policy (JSON) for reading /<prefix>/<env>/ in the resolved region')
    .option('--read-write', 'also allow ssm:PutParameter and ssm:DeleteParameter under the path (for put and delete)')
    .option('--kms-key-arn <arn>', 'the customer managed KMS key of the SecureStrings (default: any key, only through Parameter Store)')
    .option('--account-id <id>', 'the 12-digit AWS account id to put in the ARNs (default *)')
    .option('--for-role <arn>', "the policy a source's `role_arn` needs to read that source (default: the caller's, with sts:AssumeRole on each role)")
    .action((_opts: unknown, command: Command) => run(async () => (await import('./iam-policy')).iamPolicyCommand(world, command.optsWithGlobals())));
}
