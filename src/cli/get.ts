import { ParameterNotFoundError } from '../errors';
import { openSession, readConfig, type CommonOptions, type World } from './session';
import { resolveName } from './name-arguments';
import { explainNotFound } from './not-found';
import { openStore } from './open-store';
import { settingsFor, sourceIndex, storeFor } from './source-option';

interface GetOptions extends CommonOptions {
  readonly default?: string;
  readonly decrypt?: boolean;
  readonly newline?: boolean;
  readonly source?: string;
}

/**
 * `ssm-render get NAME`: the value alone on stdout, then one newline (`--no-newline`: the exact bytes),
 * for `$(ssm-render get MYSQL/PASSWORD)`. `--default` answers only for a parameter that does not exist.
 * In local dev mode the value is the one a render would see for that key.
 */
export async function getCommand(world: World, raw: string, options: GetOptions): Promise<void> {
  const { redactor } = await openSession(world, options);
  const config = readConfig(world, options, { requirePath: false });
  const index = sourceIndex(options.source, config);
  const name = resolveName(raw, settingsFor(config, index), 'read');
  const opened = await openStore(config);
  const store = storeFor(opened, index);
  let value: string;
  try {
    value = (await store.admin.get(name, { decrypt: options.decrypt !== false })).value;
  } catch (error) {
    if (!(error instanceof ParameterNotFoundError)) throw error;
    if (options.default === undefined) throw await explainNotFound(error, config.settings, store.nearMisses);
    value = options.default;
  } finally {
    store.close();
  }
  redactor.add([{ value, secure: true }]);
  world.stdout(options.newline === false ? value : `${value}\n`);
}
