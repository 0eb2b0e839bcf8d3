import type { Config, ConfigInput } from '../config/config';
import { resolveConfig } from '../config/config';
import { oneOf } from '../config/one-of';
import type { GlobalFlags } from '../config/settings';
import { createLogger, LOG_LEVELS, Redactor, type LogFormat, type LogLevel } from '../log';
import { createSsmClient } from '../source/ssm-client';
import { ssmSource, type CallObserver } from '../source/ssm';
import type { LoopMetrics } from '../metrics';
import type { ParameterSource } from '../source/types';
import { CallStats } from '../runner/stats';
import { nearMissFinder, type NearMissFinder } from '../source/near-misses';
import { ssmAdmin } from '../source/ssm-admin';
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

export interface OpenSource {
  readonly source: ParameterSource | undefined;
  /** Best-effort search for names close to a missing one; for one-shot commands, not the watch loop. */
  readonly nearMisses?: NearMissFinder | undefined;
  readonly stats: CallStats;
  close(): void;
}

export interface SourceOptions {
  readonly metrics?: LoopMetrics | undefined;
  /** For `watch` and `exec`: the retry policy's long-running caller (more attempts per call). */
  readonly longRunning?: boolean | undefined;
}

/** A Parameter Store source for the config, or none in local dev mode (no client, no credentials). */
export async function openSource(config: Config, options: SourceOptions = {}): Promise<OpenSource> {
  const stats = new CallStats();
  if (config.settings.local.value) return { source: undefined, stats, close: () => undefined };
  const metrics = options.metrics;
  const client = await createSsmClient({
    region: config.settings.region?.value,
    endpoint: config.settings.endpoint?.value,
    requestTimeoutMs: config.requestTimeoutMs,
    longRunning: options.longRunning,
    onThrottled: metrics ? () => metrics.throttled() : undefined,
  });
  const region = await client.config.region();
  const onCall: CallObserver = (call) => {
    stats.record(call);
    metrics?.call(call.operation, call.outcome, call.decrypted);
  };
  const site = { client, region, onCall };
  return { source: ssmSource(site), nearMisses: nearMissFinder(ssmAdmin(site)), stats, close: () => client.destroy() };
}
