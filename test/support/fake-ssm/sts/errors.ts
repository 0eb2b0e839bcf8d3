import { AwsError } from '../errors';
import type { FaultKind } from '../types';

// The Query protocol's common errors, as STS names them (SSM's JSON protocol names them differently).

export const missingToken = () => new AwsError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);

export const incompleteSignature = () =>
  new AwsError('IncompleteSignature', "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters in the AWS4-HMAC-SHA256 format.");

export const wrongService = () => new AwsError('SignatureDoesNotMatch', "Credential should be scoped to correct service: 'sts'. ", 403);

export const expiredToken = () => new AwsError('ExpiredToken', 'The security token included in the request is expired', 403);

export const invalidClientToken = () => new AwsError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403);

export const invalidAction = (action: string) => new AwsError('InvalidAction', `Could not find operation ${action} for version 2011-06-15`);

export const missingAction = () => new AwsError('MissingAction', 'Missing Action');

/** The error a failing fault rule that names `AssumeRole` produces; kinds that only make sense for SSM have none. */
export function stsFaultError(kind: FaultKind, principal: string, roleArn: string): AwsError | undefined {
  switch (kind) {
    case 'throttle':
      return new AwsError('Throttling', 'Rate exceeded');
    case 'server-error':
      return new AwsError('InternalFailure', 'An internal error occurred.', 500);
    case 'access-denied':
      return new AwsError('AccessDenied', `User: ${principal} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403);
    case 'expired-token':
      return expiredToken();
    case 'unrecognized-client':
      return invalidClientToken();
    default:
      return undefined;
  }
}
