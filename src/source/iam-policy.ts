import { isSecretsManagerReference, SECRETS_MANAGER_PREFIX, splitSelector } from '../parameter-naming';

export interface PolicyInput {
  readonly region: string;
  /** A 12-digit account id, or `*`. */
  readonly account: string;
  /** `/ELASMETRICS/STAGING/`; undefined when only named parameters are read (a role's `names:` source). */
  readonly path: string | undefined;
  /** The config's named `parameters:` (selectors and Secrets Manager references allowed). */
  readonly parameters: readonly string[];
  readonly readWrite: boolean;
  /** A customer managed key; absent: any key, used only through Parameter Store (kms:ViaService). */
  readonly kmsKeyArn?: string | undefined;
  /** More paths read (`sources:`), with the same rights as `path`. */
  readonly extraPaths?: readonly string[] | undefined;
  /** More regions every path and name is read in (a source's own region, its fallback). */
  readonly extraRegions?: readonly string[] | undefined;
  /** Where `readWrite` allows writes (`put`, `delete`: `/<prefix>/<env>/`); default: `path`. */
  readonly writePath?: string | undefined;
  /** The roles of `sources:` the caller assumes. */
  readonly assumeRoles?: readonly string[] | undefined;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

export function partitionOf(region: string): { partition: string; domain: string } {
  if (region.startsWith('cn-')) return { partition: 'aws-cn', domain: 'amazonaws.com.cn' };
  if (region.startsWith('us-gov-')) return { partition: 'aws-us-gov', domain: 'amazonaws.com' };
  return { partition: 'aws', domain: 'amazonaws.com' };
}

/** A secret named `prod/db` has the ARN `...:secret:prod/db-` plus six random characters. */
function secretArn(id: string, arn: (service: string, resource: string) => string): string {
  return id.startsWith('arn:') ? id : arn('secretsmanager', `secret:${id}-??????`);
}

/**
 * The least-privilege identity policy for reading `/<prefix>/<env>/` (the path itself too:
 * GetParametersByPath is authorised on it), the named parameters and their Secrets Manager
 * secrets, and decrypting through Parameter Store only; with `readWrite`, writing under the path.
 */
export function buildPolicy(input: PolicyInput): PolicyDocument {
  const { partition, domain } = partitionOf(input.region);
  const regions = [...new Set([input.region, ...(input.extraRegions ?? [])])];
  const arnIn = (region: string) => (service: string, resource: string) => `arn:${partition}:${service}:${region}:${input.account}:${resource}`;
  const parameterArnIn = (region: string) => (name: string) => arnIn(region)('ssm', `parameter/${name.replace(/^\/+/, '')}`);
  const parameterArn = parameterArnIn(input.region);
  const bases = [...(input.path === undefined ? [] : [input.path]), ...(input.extraPaths ?? [])].map((p) => p.replace(/\/+$/, ''));
  const names = input.parameters.map((n) => splitSelector(n).name);
  const outside = names.filter((n) => !bases.some((base) => n.startsWith(`${base}/`)));
  const references = names.filter(isSecretsManagerReference).map((n) => n.slice(SECRETS_MANAGER_PREFIX.length));
  const viaServices = regions.flatMap((r) => [`ssm.${r}.${domain}`, ...(references.length > 0 ? [`secretsmanager.${r}.${domain}`] : [])]);
  const keys = input.kmsKeyArn !== undefined ? [input.kmsKeyArn] : regions.map((r) => arnIn(r)('kms', 'key/*'));
  const via = { StringEquals: { 'kms:ViaService': viaServices.length === 1 ? (viaServices[0] as string) : viaServices } };

  const statements: PolicyStatement[] = [];
  if (bases.length > 0 || names.length > 0) {
    statements.push({
      Sid: 'ReadParameters',
      Effect: 'Allow',
      Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
      Resource: [
        ...new Set(
          regions.flatMap((r) => [...bases.flatMap((base) => [parameterArnIn(r)(base), parameterArnIn(r)(`${base}/*`)]), ...outside.map(parameterArnIn(r))]),
        ),
      ],
    });
    if (references.length > 0) {
      statements.push({
        Sid: 'ReadReferencedSecrets',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: [...new Set(regions.flatMap((r) => references.map((id) => secretArn(id, arnIn(r)))))],
      });
    }
    statements.push({ Sid: 'DecryptSecureStrings', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: keys, Condition: via });
  }
  const writePath = input.writePath ?? input.path;
  if (input.readWrite && writePath !== undefined) {
    const base = writePath.replace(/\/+$/, '');
    statements.push({ Sid: 'WriteParameters', Effect: 'Allow', Action: ['ssm:PutParameter', 'ssm:DeleteParameter'], Resource: [parameterArn(`${base}/*`)] });
    if (input.kmsKeyArn !== undefined) {
      statements.push({
        Sid: 'EncryptSecureStrings',
        Effect: 'Allow',
        Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
        Resource: keys,
        Condition: { StringEquals: { 'kms:ViaService': `ssm.${input.region}.${domain}` } },
      });
    }
  }
  if (input.assumeRoles !== undefined && input.assumeRoles.length > 0) {
    statements.push({ Sid: 'AssumeSourceRoles', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: [...new Set(input.assumeRoles)] });
  }
  return { Version: '2012-10-17', Statement: statements };
}

const KEY_ARN = /^arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** Why `value` cannot be used as `--kms-key-arn`, or undefined. */
export function kmsKeyArnProblem(value: string): string | undefined {
  if (KEY_ARN.test(value)) return undefined;
  if (/:alias\//.test(value) || value.startsWith('alias/')) return 'IAM policies name keys by key ARN, not by alias';
  return 'expected a key ARN such as arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
}
