import type { Settings } from '../config/settings';
import { ConfigError } from '../errors';

/** Write commands reach AWS; local dev mode promises that nothing does. */
export function refuseInLocalMode(command: string, settings: Settings): void {
  if (!settings.local.value) return;
  throw new ConfigError(`\`${command}\` writes to Parameter Store, but local dev mode is on (from ${settings.local.from})`, {
    hint: 'run it with LOCAL_DEV_MODE=false USE_PARAMETER_STORE=true (the real environment wins over .env files)',
  });
}
