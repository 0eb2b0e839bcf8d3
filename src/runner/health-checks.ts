import type { Config } from '../config/config';
import { describePath } from '../config/settings';
import { envNameOf } from '../data/keys';
import { ParameterNotFoundError, SsmRenderError, isSsmRenderError } from '../errors';
import { withNearMisses, type NearMissFinder } from '../source/near-misses';
import type { ParameterAdmin } from '../source/ssm-admin';
import type { Parameter, ParameterSource } from '../source/types';
import { loadData } from './load-data';

export type CheckStatus = 'ok' | 'fail' | 'skip';

/** One line of `health-check`: what was checked, how it went, and for a failure the way out. */
export interface HealthCheck {
  readonly check: string;
  readonly status: CheckStatus;
  readonly detail: string;
  /** The relative key, for `required` and `parameters` checks. */
  readonly key?: string | undefined;
  readonly hint?: string | undefined;
  readonly code?: string | undefined;
  /** 2 for a configuration problem, 3 for Parameter Store or AWS. */
  readonly exitCode?: 2 | 3 | undefined;
}

export interface StoreProbe {
  readonly source: ParameterSource;
  readonly admin: ParameterAdmin;
  readonly nearMisses?: NearMissFinder | undefined;
  /** Every decrypted value passes through here (to the log redactor), then is dropped. */
  readonly sawValue?: ((value: string) => void) | undefined;
}

export const ok = (check: string, detail: string, key?: string): HealthCheck => ({ check, status: 'ok', detail, key });

/** A failed check from an error: its message, code and hint, never a value. */
export function failed(check: string, error: unknown, key?: string, detail?: string): HealthCheck {
  if (isSsmRenderError(error)) {
    return { check, status: 'fail', detail: detail ?? error.message, key, hint: error.hint, code: error.code, exitCode: error.exitCode === 2 ? 2 : 3 };
  }
  return { check, status: 'fail', detail: detail ?? `unexpected ${(error as Error)?.name ?? 'error'}`, key, exitCode: 3 };
}

/** Read (and decrypt) one parameter the way render would need it: present, missing or not decryptable. */
async function probeOne(check: string, key: string, name: string, probe: StoreProbe, config: Config, explain: boolean): Promise<HealthCheck> {
  try {
    const p = await probe.admin.get(name, { decrypt: true });
    probe.sawValue?.(p.value);
    return ok(check, `${key}: present (${p.type}${p.type === 'SecureString' ? ', decrypts' : ''})`, key);
  } catch (error) {
    if (error instanceof ParameterNotFoundError) {
      const { prefix, env } = config.settings;
      const hint = `read ${describePath(config.settings) ?? config.settings.path}: ENV decides the path, so check ENV and PARAMETER_STORE_PREFIX (names are case-sensitive), or create it with \`ssm-render put\``;
      const plain = new ParameterNotFoundError(`Parameter not found: ${name}`, [name], {
        hint: name.startsWith(config.settings.path) ? hint : 'names are case-sensitive; check the name under `parameters:`',
      });
      const explained = explain ? await withNearMisses(plain, probe.nearMisses, { prefix: prefix.value, env: env.value }) : plain;
      return failed(check, explained, key, `${key}: missing (${name})`);
    }
    const what =
      error instanceof SsmRenderError && error.code === 'KMS_ACCESS_DENIED'
        ? `${key}: present but cannot be decrypted (${error.message})`
        : `${key}: ${(error as Error).message}`;
    return failed(check, error, key, what);
  }
}

/** The path can be listed; each `required` key and each named parameter is present and decrypts. */
export async function checkParameters(config: Config, probe: StoreProbe): Promise<HealthCheck[]> {
  const path = config.settings.path;
  const checks: HealthCheck[] = [];
  let listing: Parameter[];
  try {
    listing = await probe.source.byPath(path, { recursive: true, decrypt: false });
  } catch (error) {
    checks.push(failed('readable', error));
    for (const key of config.required) checks.push({ check: 'required', status: 'skip', detail: `${key}: not checked (the path cannot be read)`, key });
    return checks;
  }
  const empty =
    listing.length === 0 && !config.allowEmpty ? probe.source.notFound({ path, where: describePath(config.settings) ?? path, keys: [] }) : undefined;
  if (empty) {
    checks.push(failed('readable', await withNearMisses(empty, probe.nearMisses, { prefix: config.settings.prefix.value, env: config.settings.env.value })));
  } else {
    checks.push(ok('readable', `${path}: ${listing.length} parameter${listing.length === 1 ? '' : 's'} (listed without decryption)`));
  }
  const types = new Map(listing.map((p) => [p.name.slice(path.length), p.type]));
  let explained = 0;
  for (const key of config.required) {
    if (types.get(key) === 'String' || types.get(key) === 'StringList') {
      checks.push(ok('required', `${key}: present (${types.get(key)})`, key));
      continue;
    }
    // SecureStrings are decrypted once, to prove the KMS key allows it; missing ones get near misses (the first three).
    const explain = !types.has(key) && listing.length > 0 && explained++ < 3;
    checks.push(await probeOne('required', key, `${path}${key}`, probe, config, explain));
  }
  for (const [key, name] of config.parameters) checks.push(await probeOne('parameters', key, name, probe, config, false));
  return checks;
}

/** Local dev mode (`source` answers from the environment, the .env files and the defaults): each `required` key has a value there. */
export async function checkLocal(config: Config, source: ParameterSource): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = [ok('mode', `local dev mode (from ${config.settings.local.from}): no AWS call, no credentials needed`)];
  let missing: ParameterNotFoundError | undefined;
  try {
    await loadData(config, source);
  } catch (error) {
    if (!(error instanceof ParameterNotFoundError)) return [...checks, failed('local data', error)];
    missing = error;
  }
  for (const key of config.required) {
    if (!missing?.names.includes(key)) {
      checks.push(ok('required', `${key}: present`, key));
      continue;
    }
    const variables = [envNameOf(key), ...(config.aliases.get(key) ?? [])];
    checks.push({
      check: 'required',
      status: 'fail',
      detail: `${key}: missing (set ${variables.join(' or ')})`,
      key,
      code: missing.code,
      hint: missing.hint,
      exitCode: 3,
    });
  }
  return checks;
}
