import { AwsError } from './errors';
import type { Iam } from './iam';
import { parameterArn } from './name-rules';
import type { Settings } from './options';

/** AccessDeniedException when the caller may only touch some prefixes and the call names a resource outside them. */
export function authorize(iam: Iam, settings: Settings, accessKeyId: string, operation: string, resources: readonly string[]): void {
  const allowed = iam.readablePaths(accessKeyId);
  if (!allowed) return;
  const prefixes = allowed.map((path) => parameterArn(settings, path));
  const outside = resources.find((arn) => !prefixes.some((prefix) => arn.startsWith(prefix)));
  if (outside === undefined) return;
  const who = iam.principal(accessKeyId, settings.accountId);
  throw new AwsError(
    'AccessDeniedException',
    `User: ${who} is not authorized to perform: ssm:${operation} on resource: ${outside} because no identity-based policy allows the ssm:${operation} action`,
  );
}
