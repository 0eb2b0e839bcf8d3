import type { Config, ConfigInput } from '../config/config';
import { resolveConfig } from '../config/config';
import { oneOf } from '../config/one-of';
import type { GlobalFlags } from '../config/settings';
import { createLogger, LOG_LEVELS, Redactor, type LogFormat, type LogLevel } from '../log';
import { rememberSession, type Session, type World } from './world';

export type { Session, World } from './world';

export interface CommonOptions extends GlobalFlags {
  readonly logLevel?: string;
  readonly logFormat?: string;
}

function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  return value === undefined ? fallback : oneOf(name, value, allowed);
}

/** The logger every command logs through: JSON on stderr, pretty on a terminal or when asked. */
export async function openSession(world: World, options: CommonOptions): Promise<Session> {
  const redactor = new Redactor();
  const level = choice<LogLevel>('--log-level', options.logLevel ?? world.env['SSM_RENDER_LOG_LEVEL'], LOG_LEVELS, 'info');
  const defaultFormat: LogFormat = process.stderr.isTTY && !world.stderr ? 'pretty' : 'json';
  const format = choice<LogFormat>('--log-format', options.logFormat ?? world.env['SSM_RENDER_LOG_FORMAT'], ['json', 'pretty'], defaultFormat);
  const session = { log: await createLogger({ level, format, redactor, write: world.stderr }), redactor };
  rememberSession(world, session);
  return session;
}

export function readConfig(world: World, options: CommonOptions, extra: Partial<ConfigInput> = {}): Config {
  return resolveConfig({ flags: options, env: world.env, cwd: world.cwd, ...extra });
}
