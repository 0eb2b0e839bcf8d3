/**
 * The only variables a check sees: enough to find programs and read text, never ssm-render's own
 * environment (which holds values in local mode, and credentials).
 */
const CHECK_ENV_NAMES = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'] as const;

/** What PATH is when ssm-render itself has none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * The check's environment, taken from `from` by name. A variable whose text is a parameter value
 * (`isValue`: the log redactor would scrub it, e.g. a key named HOME in local mode) is left out.
 */
export function checkEnvironment(from: NodeJS.ProcessEnv, isValue: (text: string) => boolean): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of CHECK_ENV_NAMES) {
    const value = from[name];
    if (value !== undefined && value !== '' && !isValue(value)) env[name] = value;
  }
  env['PATH'] ??= DEFAULT_PATH;
  return env;
}
