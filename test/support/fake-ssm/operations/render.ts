import { parameterArn } from '../name-rules';
import type { Version } from '../store';
import type { Decryption, OperationContext } from './context';

export const seconds = (ms: number) => ms / 1000;

const lastModifiedUser = (ctx: OperationContext) => `arn:aws:iam::${ctx.settings.accountId}:user/fake-ssm`;

/** The `Value` a response carries, noting the decryption when a SecureString is handed out in plaintext. */
export function shownValue(ctx: OperationContext, name: string, v: Version, decrypt: boolean, decrypted: Decryption[]): string {
  if (v.type !== 'SecureString') return v.value;
  if (!decrypt) return ctx.cipher(name, v.version);
  decrypted.push({ name, keyId: v.keyId });
  return v.value;
}

/** The `Parameter` shape of GetParameter(s) and GetParametersByPath. */
export function wireParameter(
  ctx: OperationContext,
  name: string,
  v: Version,
  decrypt: boolean,
  decrypted: Decryption[],
  selector?: string,
): Record<string, unknown> {
  return {
    Name: name,
    Type: v.type,
    Value: shownValue(ctx, name, v, decrypt, decrypted),
    Version: v.version,
    ...(selector === undefined ? {} : { Selector: selector }),
    LastModifiedDate: seconds(v.modified),
    ARN: parameterArn(ctx.settings, name),
    DataType: v.dataType,
  };
}

/** The fields DescribeParameters and GetParameterHistory share (never a value). */
export function wireMetadata(ctx: OperationContext, name: string, v: Version): Record<string, unknown> {
  return {
    Name: name,
    Type: v.type,
    ...(v.keyId === undefined ? {} : { KeyId: v.keyId }),
    LastModifiedDate: seconds(v.modified),
    LastModifiedUser: lastModifiedUser(ctx),
    ...(v.description === undefined ? {} : { Description: v.description }),
    ...(v.allowedPattern === undefined ? {} : { AllowedPattern: v.allowedPattern }),
    Version: v.version,
    Tier: v.tier,
    Policies: [],
    DataType: v.dataType,
  };
}
