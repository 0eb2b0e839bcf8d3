import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, errorBody } from './errors';

const TARGET = /^AmazonSSM\.([A-Za-z]+)$/;
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=[a-z0-9;-]+,\s*Signature=[0-9a-f]{64}$/;

export const CONTENT_TYPE = 'application/x-amz-json-1.1';

/** The operation named by `X-Amz-Target: AmazonSSM.<Operation>`. */
export function targetOperation(req: IncomingMessage): string | undefined {
  return TARGET.exec(String(req.headers['x-amz-target'] ?? ''))?.[1];
}

export interface Credential {
  accessKeyId: string;
  region: string;
}

export interface SigningScope extends Credential {
  service: string;
}

/** The SigV4 credential scope of an Authorization header (the signature itself is not verified): missing, malformed, or its parts. */
export function signingScope(header: string | undefined): SigningScope | 'missing' | 'malformed' {
  if (!header) return 'missing';
  const match = SIGV4.exec(header);
  if (!match) return 'malformed';
  const [, accessKeyId = '', , region = '', service = ''] = match;
  return { accessKeyId, region, service };
}

/** The SigV4 credential of an SSM request, or the error SSM gives. */
export function credential(req: IncomingMessage): Credential {
  const scope = signingScope(req.headers.authorization);
  if (scope === 'missing') throw new AwsError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  if (scope === 'malformed') {
    throw new AwsError(
      'IncompleteSignatureException',
      `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters in the AWS4-HMAC-SHA256 format.`,
    );
  }
  if (scope.service !== 'ssm') throw new AwsError('InvalidSignatureException', "Credential should be scoped to correct service: 'ssm'. ");
  return { accessKeyId: scope.accessKeyId, region: scope.region };
}

/** The `X-Amz-Security-Token` of a request signed with temporary credentials. */
export const securityToken = (req: IncomingMessage): string | undefined => {
  const token = req.headers['x-amz-security-token'];
  return Array.isArray(token) ? token[0] : token;
};

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The JSON object of a request body; anything else is a SerializationException. */
export function parseInput(body: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body === '' ? '{}' : body);
  } catch {
    throw new AwsError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsError('SerializationException', 'Start of structure or map found where not expected.');
  }
  return parsed as Record<string, unknown>;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function sendResult(res: ServerResponse, requestId: string, body: unknown): void {
  send(res, 200, body, { 'x-amzn-RequestId': requestId });
}

export function sendError(res: ServerResponse, requestId: string, error: AwsError): void {
  send(res, error.status, errorBody(error), {
    'x-amzn-RequestId': requestId,
    'x-amzn-ErrorType': `${error.code}:http://internal.amazon.com/coral/com.amazonaws.ssm/`,
  });
}
