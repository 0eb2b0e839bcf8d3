import type { Config } from '../config/config';
import { ConfigError, ParameterNotFoundError } from '../errors';
import { loadData } from '../runner/load-data';
import { openSession, readConfig, type CommonOptions, type World } from './context';
import { resolveName } from './name-arguments';
import { explainNotFound } from './not-found';
import { openStore } from './open-store';

interface GetOptions extends CommonOptions {
  readonly default?: string;
  readonly decrypt?: boolean;
  readonly newline?: boolean;
}

/** Local dev mode: the key's value in the merged data, the way `render` would see it. */
async function localValue(config: Config, raw: string): Promise<string> {
  const s = config.settings;
  const key = raw.startsWith('/') ? (s.pathKnown && raw.startsWith(s.path) ? raw.slice(s.path.length) : undefined) : raw;
  if (key === undefined || key === '') {
    throw new ConfigError(`Local dev mode reads keys, and \`${raw}\` is not under ${s.pathKnown ? s.path : 'a configured /<prefix>/<env>/'}`, {
      hint: 'give a key such as MYSQL/PASSWORD, or turn LOCAL_DEV_MODE off to read Parameter Store',
    });
  }
  const data = await loadData({ ...config, required: [key] }, undefined);
  return data.entries.get(key)?.value ?? '';
}

async function storeValue(config: Config, raw: string, decrypt: boolean): Promise<string> {
  const name = resolveName(raw, config.settings, 'read');
  const store = await openStore(config);
  try {
    return (await store.admin.get(name, { decrypt })).value;
  } catch (error) {
    if (error instanceof ParameterNotFoundError) throw await explainNotFound(error, config.settings, store.nearMisses);
    throw error;
  } finally {
    store.close();
  }
}

/**
 * `ssm-render get NAME`: the value alone on stdout, then one newline (`--no-newline`: the exact bytes),
 * for `$(ssm-render get MYSQL/PASSWORD)`. `--default` answers only for a parameter that does not exist.
 */
export async function getCommand(world: World, raw: string, options: GetOptions): Promise<void> {
  const { redactor } = await openSession(world, options);
  const config = readConfig(world, options, { requirePath: false });
  let value: string;
  try {
    value = config.settings.local.value ? await localValue(config, raw) : await storeValue(config, raw, options.decrypt !== false);
  } catch (error) {
    if (!(error instanceof ParameterNotFoundError) || options.default === undefined) throw error;
    value = options.default;
  }
  redactor.add([{ value, secure: true }]);
  world.stdout(options.newline === false ? value : `${value}\n`);
}
