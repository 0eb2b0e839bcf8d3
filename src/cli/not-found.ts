import type { Settings } from '../config/settings';
import { ParameterNotFoundError } from '../errors';
import { withNearMisses, type NearMissFinder } from '../source/near-misses';
import { describeSettingsPath } from './name-arguments';

/**
 * The guide's "Parameter not found", as the admin commands say it: which path was read and that
 * ENV decides it (for a name under the configured path), and the near misses found.
 */
export async function explainNotFound(error: ParameterNotFoundError, settings: Settings, finder: NearMissFinder | undefined): Promise<ParameterNotFoundError> {
  const name = error.names[0] ?? '';
  const where = describeSettingsPath(settings);
  const underPath = where !== undefined && name.startsWith(settings.path);
  const hint = underPath
    ? `read ${where}: ENV decides the path, so check ENV and PARAMETER_STORE_PREFIX (names are case-sensitive), or create it with \`ssm-render put\``
    : 'names are case-sensitive; check the name, and any `:version` or `:label` after it';
  const explained = new ParameterNotFoundError(error.message, error.names, { hint, cause: error.cause });
  return withNearMisses(explained, finder, settings.pathKnown ? { prefix: settings.prefix.value, env: settings.env.value } : {});
}
