/**
 * ssm-render as a library: the ElasMetrics guide's `ParameterStoreService` and
 * `ConfigLoader.load_config()`, with ssm-render's typed errors.
 *
 * ```ts
 * import { ParameterStore, loadConfig, ParameterNotFoundError } from 'ssm-render';
 *
 * const store = new ParameterStore({ region: 'eu-west-1' });
 * const host = await store.getParameter('/ELASMETRICS/STAGING/MYSQL/HOST', { default: 'localhost' });
 * const mysql = await store.getParametersByPath('/ELASMETRICS/STAGING/MYSQL/'); // { PASSWORD, USER, HOST }
 *
 * const config = await loadConfig<{ MYSQL: { PASSWORD: string } }>();
 * config.MYSQL.PASSWORD;
 * ```
 *
 * @packageDocumentation
 */

/** Parameter Store: `getParameter`, `getParametersByPath`, `putParameter`, `deleteParameter`. */
export { ParameterStore } from './library/parameter-store';
export type { GetParameterOptions, GetParametersByPathOptions, ParameterStoreOptions, PutParameterInput, PutParameterResult } from './library/parameter-store';

/** The merged settings and data in the guide's precedence, the same as the CLI renders. */
export { loadConfig } from './library/load-config';
export type { ConfigMeta, ConfigSettings, LoadConfigOptions, LoadedConfig } from './library/load-config';

export type { ParameterTier, ParameterType } from './config/choices';
export type { Resolved } from './config/settings';

/**
 * Every error is an `SsmRenderError` with a `code`, an `exitCode` (what the CLI would exit with),
 * `retryable` and a one-line `hint`; no message ever holds a parameter value.
 */
export {
  AccessDeniedError,
  ConfigError,
  CredentialsError,
  InvalidRequestError,
  KmsAccessError,
  LimitExceededError,
  ParameterExistsError,
  ParameterNotFoundError,
  RenderError,
  ServiceError,
  SsmRenderError,
  ThrottledError,
  WriteError,
  isSsmRenderError,
} from './errors';
export type { ExitCode } from './errors';
