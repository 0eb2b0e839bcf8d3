import type { Settings } from '../config/settings';
import { ConfigError } from '../errors';
import { nameProblem, pathProblem, type NameUse } from '../parameter-naming';

/**
 * A NAME on the command line: one starting with `/` is a full parameter name; anything else is a
 * key relative to `/<prefix>/<env>/` (`MYSQL/PASSWORD` -> `/ELASMETRICS/STAGING/MYSQL/PASSWORD`).
 * Local dev mode answers keys, so there a key needs no prefix or env: it goes under the placeholder path.
 */
export function resolveName(raw: string, settings: Settings, use: NameUse): string {
  let name = raw;
  if (!raw.startsWith('/')) {
    if (!settings.pathKnown && settings.local.value) return `${settings.path}${raw}`;
    if (!settings.pathKnown) {
      throw new ConfigError(`\`${raw}\` is a key relative to /<prefix>/<env>/, but the prefix or the env is not set`, {
        hint: 'give the full name (starting with /), or set PARAMETER_STORE_PREFIX and ENV (or --prefix and --env)',
      });
    }
    name = `${settings.path}${raw}`;
  }
  const problem = nameProblem(name, use);
  if (problem !== undefined)
    throw new ConfigError(`\`${raw}\` cannot be a parameter name: ${problem}`, { hint: 'e.g. /ELASMETRICS/STAGING/MYSQL/PASSWORD or MYSQL/PASSWORD' });
  return name;
}

/** `ls`'s PATH: as given (relative ones under `/<prefix>/<env>/`), always ending with `/`. */
export function resolvePath(raw: string | undefined, settings: Settings): string {
  if (raw === undefined || raw === '') {
    if (!settings.pathKnown) {
      throw new ConfigError('No path to list: the prefix or the env is not set', {
        hint: 'give a PATH such as /ELASMETRICS/STAGING/, or set PARAMETER_STORE_PREFIX and ENV (or --prefix and --env)',
      });
    }
    return settings.path;
  }
  const full = raw.startsWith('/') ? raw : `${resolveName(raw.replace(/\/+$/, ''), settings, 'read')}`;
  const problem = pathProblem(full);
  if (problem !== undefined) throw new ConfigError(`\`${raw}\` cannot be a parameter path: ${problem}`, { hint: 'e.g. /ELASMETRICS/STAGING/ or MYSQL' });
  return full.endsWith('/') ? full : `${full}/`;
}
