import { AwsError, constraintError, validationError } from '../errors';
import { nameError, parameterArn } from '../name-rules';
import { MAX_VERSIONS, type Tier, type Version } from '../store';
import type { ParameterType } from '../types';
import { define } from './context';
import { oneOf, optionalBoolean, optionalString, requiredString } from './input';

const TYPES: readonly ParameterType[] = ['String', 'StringList', 'SecureString'];
const TIERS = ['Standard', 'Advanced', 'Intelligent-Tiering'] as const;
const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];
const LIMITS: Record<Tier, number> = { Standard: 4096, Advanced: 8192 };
export const DEFAULT_KEY_ID = 'alias/aws/ssm';

interface PutRequest {
  name: string;
  value: string;
  type: ParameterType | undefined;
  description: string | undefined;
  keyId: string | undefined;
  overwrite: boolean;
  allowedPattern: string | undefined;
  tags: Record<string, string> | undefined;
  tier: (typeof TIERS)[number] | undefined;
  dataType: string | undefined;
}

function tags(raw: unknown): Record<string, string> | undefined {
  if (!Array.isArray(raw)) return undefined;
  return Object.fromEntries(raw.map((t: Record<string, unknown>) => [String(t['Key']), String(t['Value'])]));
}

function tierFor(req: PutRequest, previous: Version | undefined): Tier {
  const asked = req.tier === 'Intelligent-Tiering' ? (req.value.length > LIMITS.Standard ? 'Advanced' : 'Standard') : req.tier;
  return previous?.tier === 'Advanced' || asked === 'Advanced' ? 'Advanced' : 'Standard';
}

function compile(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    throw new AwsError('InvalidAllowedPatternException', `The allowed pattern ${pattern} is not a valid regular expression.`);
  }
}

/** Every rule AWS checks before it stores a version; no message ever shows the value. */
function check(req: PutRequest, previous: Version | undefined, history: readonly Version[]): void {
  if (previous && !req.overwrite) {
    throw new AwsError('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
  }
  if (!previous && !req.type) throw validationError('A parameter type is required when you create a parameter.');
  if (req.overwrite && req.tags) {
    throw validationError(
      "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsToResource.",
    );
  }
  const type = req.type ?? previous?.type;
  if (req.keyId !== undefined && type !== 'SecureString') throw validationError('KeyId is required for SecureString type parameter only.');
  if (req.dataType !== undefined && !DATA_TYPES.includes(req.dataType)) {
    throw validationError(`The following data type is not supported: ${req.dataType} (Data type names are all lowercase.)`);
  }
  const tier = tierFor(req, previous);
  if (req.value.length > LIMITS[tier]) {
    throw validationError(
      tier === 'Standard'
        ? 'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html'
        : 'Advanced tier parameters support a maximum parameter value of 8192 characters.',
    );
  }
  const pattern = req.allowedPattern ?? previous?.allowedPattern;
  if (pattern !== undefined && !compile(pattern).test(req.value)) {
    throw new AwsError('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${pattern}`);
  }
  if (history.length >= MAX_VERSIONS && (history[0]?.labels.size ?? 0) > 0) {
    throw new AwsError(
      'ParameterMaxVersionLimitExceeded',
      `You attempted to create a new version of ${req.name} by calling the PutParameter API with the overwrite flag. Version ${history[0]?.version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
    );
  }
}

export const putParameter = define<PutRequest>({
  parse(input) {
    const name = requiredString(input, 'Name');
    const badName = nameError(name);
    if (badName) throw badName;
    const description = optionalString(input, 'Description');
    if ((description?.length ?? 0) > 1024) throw constraintError('description', 'Member must have length less than or equal to 1024');
    return {
      name,
      value: requiredString(input, 'Value', 1, Number.MAX_SAFE_INTEGER),
      type: oneOf(input, 'Type', TYPES),
      description,
      keyId: optionalString(input, 'KeyId'),
      overwrite: optionalBoolean(input, 'Overwrite'),
      allowedPattern: optionalString(input, 'AllowedPattern'),
      tags: tags(input['Tags']),
      tier: oneOf(input, 'Tier', TIERS),
      dataType: optionalString(input, 'DataType'),
    };
  },
  touches: (req, name) => req.name === name,
  resource: (req, ctx) => parameterArn(ctx.settings, req.name),
  run(req, ctx) {
    const history = ctx.store.history(req.name) ?? [];
    const previous = history.at(-1);
    check(req, previous, history);
    const type = req.type ?? (previous?.type as ParameterType);
    const stored = ctx.store.append(
      req.name,
      {
        value: req.value,
        type,
        keyId: type === 'SecureString' ? (req.keyId ?? (previous?.type === 'SecureString' ? previous.keyId : undefined) ?? DEFAULT_KEY_ID) : undefined,
        description: req.description ?? previous?.description,
        allowedPattern: req.allowedPattern ?? previous?.allowedPattern,
        tier: tierFor(req, previous),
        dataType: req.dataType ?? previous?.dataType ?? 'text',
      },
      req.tags,
    );
    return { body: { Version: stored.version, Tier: stored.tier }, decrypted: [] };
  },
});
