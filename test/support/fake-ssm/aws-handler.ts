import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Counters } from './counters';
import { authorize } from './authorize';
import { AwsError, internalError } from './errors';
import { expiredTokenError, faultError, kmsDeniedError, unrecognizedClientError } from './fault-errors';
import type { Faults } from './faults';
import type { Iam } from './iam';
import { parameterArn } from './name-rules';
import type { OperationContext } from './operations/context';
import { OPERATIONS } from './operations';
import { credential, parseInput, readBody, securityToken, sendError, sendResult, targetOperation } from './protocol';
import type { TokenBucket } from './rate-limit';
import type { RequestRecord } from './types';

export interface AwsHandlerDeps {
  ctx: OperationContext;
  faults: Faults;
  counters: Counters;
  bucket: TokenBucket;
  iam: Iam;
  /** Aborted when the server closes, so pending delays end. */
  closing: AbortSignal;
}

/** A body that is not the AWS JSON protocol's, as something in front of Parameter Store might send. */
interface RawReply {
  status: number;
  contentType: string;
  body: string;
}

type Reply = { result: Record<string, unknown> } | { drop: true } | { raw: RawReply };

const HTML_PAGE =
  '<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body><h1>Service Unavailable</h1><p>The proxy could not reach the server.</p></body></html>\n';

/** The real answer with a stray `x` before the first value: JSON.parse's message then quotes the value's first characters. */
function corruptJson(result: Record<string, unknown>): RawReply {
  const text = JSON.stringify(result);
  const value = text.indexOf('"Value":');
  const at = value >= 0 ? value + '"Value":'.length : Math.floor(text.length / 2);
  return { status: 200, contentType: 'application/x-amz-json-1.1', body: `${text.slice(0, at)}x${text.slice(at)}` };
}

async function serve(deps: AwsHandlerDeps, operation: string, body: string, record: RequestRecord & { accessKeyId: string }): Promise<Reply> {
  const { ctx, faults, counters, bucket, iam, closing } = deps;
  bucket.configure(ctx.settings.rateLimit);
  if (!bucket.take()) throw new AwsError('ThrottlingException', 'Rate exceeded');
  if (ctx.settings.latencyMs > 0) await sleep(ctx.settings.latencyMs, undefined, { signal: closing });
  const handler = OPERATIONS[operation];
  if (!handler) throw new AwsError('UnknownOperationException', `The operation ${operation} is not supported by this fake.`);
  const prepared = handler(parseInput(body), ctx);
  record.resources = prepared.resources();
  authorize(iam, ctx.settings, record.accessKeyId, operation, record.resources);
  const decision = faults.decide(operation, (name) => prepared.touches(name));
  if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { signal: closing });
  if (decision.failure?.kind === 'drop') return { drop: true };
  if (decision.failure?.kind === 'html') return { raw: { status: decision.failure.status ?? 503, contentType: 'text/html; charset=utf-8', body: HTML_PAGE } };
  if (decision.failure) {
    const { kind, name } = decision.failure;
    const failure = faultError(kind, ctx.settings, operation, name ? parameterArn(ctx.settings, name) : prepared.resource());
    if (failure) throw failure;
  }
  const outcome = prepared.run();
  const denied = faults.kmsDenial(operation, outcome.decrypted);
  if (denied) throw kmsDeniedError(ctx.settings, denied.keyId);
  counters.decrypt(outcome.decrypted.length);
  if (decision.failure?.kind === 'corrupt-json') return { raw: corruptJson(outcome.body) };
  return { result: outcome.body };
}

/** Serves one AWS JSON 1.1 request: auth (a token of ours that is wrong or expired), rate limit, latency, validation, IAM paths, faults, the operation, KMS. */
export async function handleAws(req: IncomingMessage, res: ServerResponse, deps: AwsHandlerDeps): Promise<void> {
  const requestId = randomUUID();
  const operation = targetOperation(req);
  const body = await readBody(req);
  let record: RequestRecord & { accessKeyId: string };
  try {
    const caller = credential(req);
    record = { operation: operation ?? 'Unknown', accessKeyId: caller.accessKeyId, region: caller.region, at: Date.now() };
  } catch (error) {
    deps.counters.call({ operation: operation ?? 'Unknown', at: Date.now() });
    sendError(res, requestId, error as AwsError);
    return;
  }
  deps.counters.call(record);
  try {
    deps.iam.authenticate(record.accessKeyId, securityToken(req), expiredTokenError, unrecognizedClientError);
    if (!operation) throw new AwsError('UnknownOperationException', 'The X-Amz-Target header is missing or does not name an AmazonSSM operation.');
    const reply = await serve(deps, operation, body, record);
    if ('drop' in reply) req.socket.destroy();
    else if ('raw' in reply) {
      res.writeHead(reply.raw.status, {
        'Content-Type': reply.raw.contentType,
        'Content-Length': Buffer.byteLength(reply.raw.body),
        'x-amzn-RequestId': requestId,
      });
      res.end(reply.raw.body);
    } else sendResult(res, requestId, reply.result);
  } catch (error) {
    if (deps.closing.aborted) {
      req.socket.destroy();
      return;
    }
    sendError(res, requestId, error instanceof AwsError ? error : internalError());
  }
}
