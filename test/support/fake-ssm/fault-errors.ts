import { createHash, randomUUID } from 'node:crypto';
import { AwsError, internalError, invalidNextToken } from './errors';
import type { Account } from './name-rules';
import type { FaultKind } from './types';

const principal = (account: Account) => `arn:aws:sts::${account.accountId}:assumed-role/app/session`;

export const expiredTokenError = () => new AwsError('ExpiredTokenException', 'The security token included in the request is expired');

export const unrecognizedClientError = () => new AwsError('UnrecognizedClientException', 'The security token included in the request is invalid.');

/** The error a failing fault rule produces; `latency` and the broken answers of wire-faults.ts have none. */
export function faultError(kind: FaultKind, account: Account, operation: string, resource: string): AwsError | undefined {
  switch (kind) {
    case 'throttle':
      return new AwsError('ThrottlingException', 'Rate exceeded');
    case 'server-error':
      return internalError();
    case 'unavailable':
      return new AwsError('ServiceUnavailable', 'Service Unavailable', 503);
    case 'invalid-next-token':
      return invalidNextToken();
    case 'expired-token':
      return expiredTokenError();
    case 'unrecognized-client':
      return unrecognizedClientError();
    case 'access-denied':
      return new AwsError(
        'AccessDeniedException',
        `User: ${principal(account)} is not authorized to perform: ssm:${operation} on resource: ${resource} because no identity-based policy allows the ssm:${operation} action`,
      );
    default:
      return undefined;
  }
}

/** A key id as a key ARN; an alias maps to a stable made-up key id. */
function keyArn(account: Account, keyId: string | undefined): string {
  if (keyId?.startsWith('arn:aws:kms:') && keyId.includes(':key/')) return keyId;
  if (keyId && /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/.test(keyId)) return `arn:aws:kms:${account.region}:${account.accountId}:key/${keyId}`;
  const hex = createHash('sha256')
    .update(keyId ?? 'alias/aws/ssm')
    .digest('hex');
  const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return `arn:aws:kms:${account.region}:${account.accountId}:key/${uuid}`;
}

export function kmsDeniedError(account: Account, keyId: string | undefined): AwsError {
  return new AwsError(
    'AccessDeniedException',
    `User: ${principal(account)} is not authorized to perform: kms:Decrypt on resource: ${keyArn(account, keyId)} ` +
      `because no resource-based policy allows the kms:Decrypt action (Service: AWSKMS; Status Code: 400; ` +
      `Error Code: AccessDeniedException; Request ID: ${randomUUID()}; Proxy: null)`,
  );
}
