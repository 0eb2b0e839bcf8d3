import type { Config } from '../config/config';
import type { SourceSpec } from '../config/sources';
import { ConfigError } from '../errors';
import type { PolicyInput } from '../source/iam-policy';

type Reads = Pick<PolicyInput, 'region' | 'path' | 'parameters' | 'extraPaths' | 'extraRegions' | 'assumeRoles'>;

/** What the sources read, for one identity: every path, every name, every region (own and fallback). */
function readsOf(specs: readonly SourceSpec[], region: string): Omit<Reads, 'assumeRoles'> {
  const paths = specs.flatMap((s) => (s.path === undefined ? [] : [s.path]));
  const regions = [...new Set(specs.flatMap((s) => [s.primary.region?.value ?? region, ...(s.fallback ? [s.fallback.region?.value ?? region] : [])]))];
  return {
    region: regions[0] ?? region,
    path: paths[0],
    extraPaths: paths.slice(1),
    parameters: specs.flatMap((s) => [...(s.names?.values() ?? [])]),
    extraRegions: regions.slice(1),
  };
}

/**
 * With `sources:`, what each identity reads: the caller, the sources without a role and
 * sts:AssumeRole on each role; with `--for-role ARN`, the sources that role reads.
 */
export function policyReads(config: Config, region: string, forRole: string | undefined): Reads | undefined {
  if (!config.layered) {
    if (forRole !== undefined)
      throw new ConfigError(`\`--for-role\` \`${forRole}\` names no role: the config has no \`sources:\``, { hint: 'give a source `role_arn:` in `sources:`' });
    return undefined;
  }
  const roles = [...new Set(config.sources.flatMap((s) => (s.role ? [s.role.arn] : [])))];
  if (forRole === undefined)
    return {
      ...readsOf(
        config.sources.filter((s) => s.role === undefined),
        region,
      ),
      assumeRoles: roles,
    };
  const specs = config.sources.filter((s) => s.role?.arn === forRole);
  if (specs.length === 0) {
    throw new ConfigError(`\`--for-role\` \`${forRole}\` is the \`role_arn\` of no source`, {
      hint: roles.length > 0 ? `the roles in \`sources:\` are ${roles.join(', ')}` : 'no source in `sources:` has a `role_arn`',
    });
  }
  return readsOf(specs, region);
}
