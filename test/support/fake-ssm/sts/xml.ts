import type { ServerResponse } from 'node:http';
import type { AwsError } from '../errors';
import { assumedRoleArn, assumedRoleId, type Session } from '../iam';

// STS speaks the AWS Query protocol: form-encoded requests, XML answers in this namespace.
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';

// Text nodes only: quotes stay as they are, as in AWS's own messages (`Value 'x' at 'roleSessionName'`).
const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const escape = (text: string) => text.replace(/[&<>]/g, (c) => ESCAPES[c] ?? c);

/** ISO 8601 in whole seconds, as STS writes `Expiration`. */
const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function send(res: ServerResponse, status: number, requestId: string, xml: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n${xml}\n`;
  res.writeHead(status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId });
  res.end(body);
}

export function sendAssumeRoleResult(res: ServerResponse, requestId: string, session: Session): void {
  send(
    res,
    200,
    requestId,
    `<AssumeRoleResponse xmlns="${NAMESPACE}">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <AssumedRoleId>${escape(assumedRoleId(session))}</AssumedRoleId>
      <Arn>${escape(assumedRoleArn(session))}</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${session.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${session.secretAccessKey}</SecretAccessKey>
      <SessionToken>${session.sessionToken}</SessionToken>
      <Expiration>${timestamp(session.expiresAt)}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>${requestId}</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>`,
  );
}

/** An `ErrorResponse`; `Type` is Receiver for the service's own faults (5xx), Sender otherwise. */
export function sendStsError(res: ServerResponse, requestId: string, error: AwsError): void {
  send(
    res,
    error.status,
    requestId,
    `<ErrorResponse xmlns="${NAMESPACE}">
  <Error>
    <Type>${error.status >= 500 ? 'Receiver' : 'Sender'}</Type>
    <Code>${escape(error.code)}</Code>
    <Message>${escape(error.message)}</Message>
  </Error>
  <RequestId>${requestId}</RequestId>
</ErrorResponse>`,
  );
}
