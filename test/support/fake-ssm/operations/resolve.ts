import { createHash } from 'node:crypto';
import { AwsError, validationError } from '../errors';
import { parseSelector } from '../name-rules';
import type { Decryption, OperationContext } from './context';
import { seconds, wireParameter } from './render';

export const SECRET_PREFIX = '/aws/reference/secretsmanager/';

export type Resolution = { parameter: Record<string, unknown> } | { error: AwsError };

export const isSecretReference = (name: string) => name.startsWith(SECRET_PREFIX);

export const secretWithoutDecryption = () => validationError('WithDecryption flag must be True for retrieving a Secret Manager secret.');

export function secretArn(ctx: OperationContext, id: string): string {
  const suffix = createHash('sha256')
    .update(id)
    .digest('base64url')
    .replace(/[^a-zA-Z]/g, '')
    .slice(0, 6);
  return `arn:aws:secretsmanager:${ctx.settings.region}:${ctx.settings.accountId}:secret:${id}-${suffix}`;
}

function versionNotFound(name: string, wanted: string): AwsError {
  return new AwsError('ParameterVersionNotFound', `Systems Manager could not find version ${wanted} of ${name}. Verify the version and try again.`);
}

function resolveSecret(ctx: OperationContext, raw: string, decrypted: Decryption[]): Resolution {
  const { name, selector, label } = parseSelector(raw);
  const id = name.slice(SECRET_PREFIX.length);
  const secret = ctx.store.secret(id);
  if (!secret) {
    const message = "An error occurred (ResourceNotFoundException) when referencing Secrets Manager: Secrets Manager can't find the specified secret.";
    return { error: new AwsError('ParameterNotFound', message) };
  }
  if (selector !== undefined && label !== 'AWSCURRENT' && label !== secret.versionId) return { error: versionNotFound(name, selector.slice(1)) };
  const arn = secretArn(ctx, id);
  const source = { CreatedDate: seconds(secret.created), Name: id, VersionIdsToStages: { [secret.versionId]: ['AWSCURRENT'] }, ARN: arn };
  decrypted.push({ name, keyId: 'alias/aws/secretsmanager' });
  return {
    parameter: {
      Name: name,
      Type: 'SecureString',
      Value: secret.value,
      Version: 0,
      ...(selector === undefined ? {} : { Selector: selector }),
      SourceResult: JSON.stringify(source, null, 2),
      LastModifiedDate: seconds(secret.created),
      ARN: arn,
      DataType: 'text',
    },
  };
}

/** One requested name (`name`, `name:3`, `name:label` or a Secrets Manager reference) as a `Parameter`, or its error. */
export function resolveName(ctx: OperationContext, raw: string, decrypt: boolean, decrypted: Decryption[]): Resolution {
  if (isSecretReference(raw)) return decrypt ? resolveSecret(ctx, raw, decrypted) : { error: secretWithoutDecryption() };
  const { name, selector, version, label } = parseSelector(raw);
  if (!ctx.store.latest(name)) return { error: new AwsError('ParameterNotFound', '') };
  const found = ctx.store.find(name, { version, label });
  if (!found) return { error: versionNotFound(name, (selector ?? '').slice(1)) };
  return { parameter: wireParameter(ctx, name, found, decrypt, decrypted, selector) };
}
