import { Command } from 'commander';
import { version } from '../../package.json';
import { defineCommands, type Run } from './commands';
import type { World } from './world';

const VERSION: string = version;

/** What `version`, `--version` and `-V` print, alike. */
const versionLine = () => `ssm-render ${VERSION} (node ${process.version})`;

/** Build the command-line program; `run` wraps each action so errors become exit codes. */
export function buildProgram(world: World, run: Run): Command {
  const program = new Command('ssm-render')
    .description('Render AWS Parameter Store parameters under /<PREFIX>/<ENV>/ into files, once or kept fresh.')
    .option('--config <file>', 'config file (also SSM_RENDER_CONFIG; default ./ssm-render.yaml when present)')
    .option('--prefix <prefix>', 'parameter path prefix, e.g. /ELASMETRICS (also PARAMETER_STORE_PREFIX)')
    .option('--env <env>', 'environment, e.g. STAGING (also ENV)')
    .option('--region <region>', 'AWS region (also AWS_REGION, AWS_DEFAULT_REGION)')
    .option('--endpoint-url <url>', 'Parameter Store endpoint, e.g. LocalStack (also AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL)')
    .option('--local', 'local dev mode: no AWS, values from the environment, .env files and defaults (also LOCAL_DEV_MODE=true)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (also SSM_RENDER_LOG_LEVEL)')
    .option('--log-format <format>', 'json|pretty (also SSM_RENDER_LOG_FORMAT; pretty on a terminal)')
    .version(versionLine(), '-V, --version', 'print the version (same as `ssm-render version`)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => world.stdout(s), writeErr: (s) => (world.stderr ?? ((l: string) => process.stderr.write(l)))(s) });
  defineCommands(program, world, run);
  program
    .command('version')
    .description('print the version')
    .action(() => world.stdout(`${versionLine()}\n`));
  for (const command of program.commands) command.exitOverride();
  return program;
}
