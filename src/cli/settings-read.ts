import { resolve } from 'node:path';
import type { Config } from '../config/config';
import type { Logger } from '../log';

/**
 * One info line saying what a render reads: the config file, the `.env` files, and what turned
 * local dev mode on, so that a file in the working directory never changes a run unseen; with
 * `--format/--output`, that the config's own templates are not rendered.
 */
export function logSettingsRead(log: Logger, config: Config, cwd: string, outputFlag: boolean): void {
  const s = config.settings;
  const envFiles = s.envFiles.map((f) => resolve(cwd, f));
  const notRendered = outputFlag ? (s.file.templates?.length ?? 0) : 0;
  const read = [s.configFile ? `config file ${s.configFile}` : 'no config file', envFiles.length > 0 ? `.env files ${envFiles.join(', ')}` : 'no .env file'];
  const mode = s.local.value
    ? `local dev mode (from ${s.local.from}): values from the environment, .env files and defaults, no AWS call`
    : `Parameter Store ${s.path}`;
  const skipped = notRendered > 0 ? `; --format/--output: the config file's ${notRendered} template${notRendered === 1 ? ' is' : 's are'} not rendered` : '';
  log.info(
    {
      configFile: s.configFile ?? null,
      envFiles,
      local: s.local.value,
      ...(s.local.value && { localFrom: s.local.from }),
      ...(notRendered > 0 && { templatesNotRendered: notRendered }),
      destinations: config.templates.map((t) => t.destination),
    },
    `read ${read.join(' and ')}; ${mode}${skipped}`,
  );
}
