import { ConfigError } from '../errors';
import { buildPolicy, kmsKeyArnProblem } from '../source/iam-policy';
import { policyReads } from './iam-policy-sources';
import { resolveRegion } from '../source/open-parameter-store';
import { openSession, readConfig, type CommonOptions, type World } from './session';

interface PolicyOptions extends CommonOptions {
  readonly readWrite?: boolean;
  readonly kmsKeyArn?: string;
  readonly accountId?: string;
  readonly forRole?: string;
}

/** `ssm-render iam-policy`: the least-privilege policy for the resolved prefix, env and region, as JSON. */
export async function iamPolicyCommand(world: World, options: PolicyOptions): Promise<void> {
  await openSession(world, options);
  const config = readConfig(world, options, { requirePath: false });
  if (!config.settings.pathKnown) {
    throw new ConfigError('iam-policy needs the prefix and the env to name the parameters', {
      hint: 'set PARAMETER_STORE_PREFIX and ENV (or --prefix and --env, or `prefix:` and `env:` in ssm-render.yaml)',
    });
  }
  if (options.kmsKeyArn !== undefined) {
    const problem = kmsKeyArnProblem(options.kmsKeyArn);
    if (problem)
      throw new ConfigError(`\`--kms-key-arn\` \`${options.kmsKeyArn}\` cannot be used: ${problem}`, {
        hint: 'find it with `aws kms describe-key --key-id alias/NAME`',
      });
  }
  const account = options.accountId ?? '*';
  if (account !== '*' && !/^\d{12}$/.test(account)) throw new ConfigError(`Expected \`--account-id\` to be 12 digits, got \`${account}\``);
  const region = await resolveRegion(config.settings.region);
  const reads = policyReads(config, region.value, options.forRole) ?? { path: config.settings.path, parameters: [...config.parameters.values()] };
  const policy = buildPolicy({
    region: region.value,
    account,
    ...reads,
    writePath: config.settings.path,
    readWrite: options.readWrite === true,
    kmsKeyArn: options.kmsKeyArn,
  });
  world.stdout(`${JSON.stringify(policy, null, 2)}\n`);
}
