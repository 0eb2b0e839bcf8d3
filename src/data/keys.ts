import { RenderError } from '../errors';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** `MYSQL/PASSWORD` -> `MYSQL_PASSWORD`; `db-host/name.v2` -> `DB_HOST_NAME_V2` (chamber's convention). */
export function envNameOf(key: string): string {
  return key.toUpperCase().replace(/[/.-]/g, '_');
}

export class KeyCollisionError extends RenderError {
  override readonly code = 'KEY_COLLISION';
}

/**
 * Every key's environment-variable name, in the keys' order; two keys on one name, or an impossible
 * name, is an error.
 */
export function assignEnvNames(keys: readonly string[]): string[] {
  const byName = new Map<string, string>();
  return keys.map((key) => {
    const name = envNameOf(key);
    if (!ENV_NAME.test(name)) {
      throw new KeyCollisionError(`Key \`${key}\` cannot be an environment variable name (\`${name}\` starts with a digit)`, {
        hint: 'rename the parameter, or map it to another key with `parameters:` in the config file',
      });
    }
    const other = byName.get(name);
    if (other !== undefined) {
      throw new KeyCollisionError(`Keys \`${other}\` and \`${key}\` both become the environment variable \`${name}\``, {
        hint: 'rename one of the parameters; ssm-render never lets one silently replace the other',
      });
    }
    byName.set(name, key);
    return name;
  });
}
