/** An AWS error as the service sends it: an error code, a message, and an HTTP status. */
export class AwsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }
}

// These error shapes name their member `Message` in the model; every other one uses `message`.
const CAPITALISED = new Set(['InternalServerError', 'InvalidNextToken', 'InvalidFilterValue', 'TooManyUpdates']);

/** The JSON body of an error; an empty message is left out, as AWS does for ParameterNotFound. */
export function errorBody(error: AwsError): Record<string, string> {
  if (error.message === '') return { __type: error.code };
  return { __type: error.code, [CAPITALISED.has(error.code) ? 'Message' : 'message']: error.message };
}

export const validationError = (message: string) => new AwsError('ValidationException', message);

/** The message AWS's request validation produces, e.g. for `MaxResults: 11`. */
export function constraintError(member: string, constraint: string, shown?: string): AwsError {
  const value = shown === undefined ? 'Value' : `Value '${shown}'`;
  return validationError(`1 validation error detected: ${value} at '${member}' failed to satisfy constraint: ${constraint}`);
}

export const internalError = () => new AwsError('InternalServerError', 'An internal error occurred.', 500);

export const invalidNextToken = () => new AwsError('InvalidNextToken', 'The specified token is not valid.');
