import type { Config } from '../config/config';
import type { SourceSpec } from '../config/sources';
import { failed, ok, type HealthCheck } from './health-checks';
import { activeSources } from './read-sources';
import type { ParameterSource } from '../source/types';

/** How `health-check` names a source: what it reads, where, and as whom. */
function describe(spec: SourceSpec, region: string): string {
  const what = spec.path ?? `${spec.names?.size ?? 0} named parameter${spec.names?.size === 1 ? '' : 's'}`;
  const fallback = spec.fallback
    ? `, fallback ${spec.fallback.region?.value ?? region}${spec.fallback.endpoint ? ` at ${spec.fallback.endpoint.value}` : ''}`
    : '';
  const endpoint = spec.primary.endpoint ? ` at ${spec.primary.endpoint.value}` : '';
  const role = spec.role ? `role ${spec.role.arn}` : 'own credentials';
  return `${spec.label}: ${what}${spec.keyPrefix ? ` as ${spec.keyPrefix}/` : ''} in ${spec.primary.region?.value ?? region}${endpoint}${fallback}, ${role}`;
}

/**
 * With `sources:`: each source is reachable (listed or named without decryption), with its region
 * and role; each `required` key comes from some source.
 */
export async function checkSources(config: Config, sources: readonly ParameterSource[], region: string): Promise<HealthCheck[]> {
  const checks: HealthCheck[] = [];
  const keys = new Set<string>();
  let unread = false;
  for (const [i, spec] of activeSources(config).entries()) {
    const source = sources[i] as ParameterSource;
    const where = describe(spec, region);
    try {
      const mount = (key: string) => (spec.keyPrefix === undefined ? key : `${spec.keyPrefix}/${key}`);
      let count: number;
      if (spec.path !== undefined) {
        const path = spec.path;
        const listing = await source.byPath(path, { decrypt: false });
        for (const p of listing) keys.add(mount(p.name.slice(path.length)));
        count = listing.length;
      } else {
        const names = spec.names ?? new Map<string, string>();
        await source.byNames([...names.values()], { decrypt: false });
        for (const key of names.keys()) keys.add(mount(key));
        count = names.size;
      }
      for (const key of spec.expandJson) if (keys.has(mount(key))) keys.add(`${mount(key)}/`);
      const empty = count === 0 && spec.path !== undefined && !config.allowEmpty;
      const hint = "check ENV and the source's path (names are case-sensitive), or set `allow_empty: true` if an empty path is expected";
      checks.push(
        empty
          ? { check: 'source', status: 'fail', detail: `${where}: holds nothing`, code: 'PARAMETER_NOT_FOUND', hint, exitCode: 3 }
          : ok('source', `${where}: reachable, ${count} parameter${count === 1 ? '' : 's'}`),
      );
    } catch (error) {
      unread = true;
      checks.push(failed('source', error, undefined, `${where}: ${(error as Error).message}`));
    }
  }
  for (const key of config.required) {
    const expanded = [...keys].some((k) => k.endsWith('/') && key.startsWith(k));
    if (keys.has(key) || expanded) checks.push(ok('required', `${key}: present${expanded ? ' (in an expanded JSON value)' : ''}`, key));
    else if (unread) checks.push({ check: 'required', status: 'skip', detail: `${key}: not checked (a source cannot be read)`, key });
    else checks.push({ check: 'required', status: 'fail', detail: `${key}: in no source`, key, code: 'PARAMETER_NOT_FOUND', exitCode: 3 });
  }
  return checks;
}
