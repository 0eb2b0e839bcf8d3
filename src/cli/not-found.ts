import { describePath, type Settings } from '../config/settings';
import { ParameterNotFoundError } from '../errors';
import { withNearMisses, type NearMissFinder } from '../source/near-misses';

/** The `ls` that shows what is beside `name`: relative to `/<prefix>/<env>/` when under it. */
function lsBeside(name: string, settings: Settings): string {
  const parent = name.slice(0, name.lastIndexOf('/') + 1) || '/';
  if (!settings.pathKnown || !parent.startsWith(settings.path)) return `ssm-render ls ${parent}`;
  const relative = parent.slice(settings.path.length).replace(/\/$/, '');
  return relative === '' ? 'ssm-render ls' : `ssm-render ls ${relative}`;
}

/**
 * The guide's "Parameter not found", as the admin commands say it: which path was read and that
 * ENV decides it (for a name under the configured path), the near misses found, and the next step:
 * create it (`put`) when reading, find its real name (`ls`) when deleting.
 */
export async function explainNotFound(
  error: ParameterNotFoundError,
  settings: Settings,
  finder: NearMissFinder | undefined,
  command: 'read' | 'delete' = 'read',
): Promise<ParameterNotFoundError> {
  // Local dev mode's misses already name the variables to set; Parameter Store's get the path and the near misses.
  if (settings.local.value) return error;
  const name = error.names[0] ?? '';
  const where = describePath(settings);
  const underPath = where !== undefined && name.startsWith(settings.path);
  const next = command === 'delete' ? `; \`${lsBeside(name, settings)}\` lists the names there` : '';
  const hint = underPath
    ? `read ${where}: ENV decides the path, so check ENV and PARAMETER_STORE_PREFIX (names are case-sensitive)${command === 'delete' ? next : ', or create it with `ssm-render put`'}`
    : `names are case-sensitive; check the name, and any \`:version\` or \`:label\` after it${next}`;
  const explained = new ParameterNotFoundError(error.message, error.names, { hint, cause: error.cause });
  return withNearMisses(explained, finder, settings.pathKnown ? { prefix: settings.prefix.value, env: settings.env.value } : {});
}
