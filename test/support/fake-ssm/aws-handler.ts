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
import { isWireFault, sendWireFault, type WireFault } from './wire-faults';

export interface AwsHandlerDeps {
  ctx: OperationContext;
  faults: Faults;
  counters: Counters;
  bucket: TokenBucket;
  iam: Iam;
  /** Aborted when the server closes, so pending delays end. */
  closing: AbortSignal;
}

type Reply = { result: Record<string, unknown>; wire?: WireFault; status?: number | undefined };

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
  const wire = decision.failure && isWireFault(decision.failure.kind) ? decision.failure.kind : undefined;
  if (decision.failure && !wire) {
    const { kind, name } = decision.failure;
    const failure = faultError(kind, ctx.settings, operation, name ? parameterArn(ctx.settings, name) : prepared.resource());
    if (failure) throw failure;
  }
  const outcome = prepared.run();
  const denied = faults.kmsDenial(operation, outcome.decrypted);
  if (denied) throw kmsDeniedError(ctx.settings, denied.keyId);
  counters.decrypt(outcome.decrypted.length);
  return { result: outcome.body, ...(wire && { wire, status: decision.failure?.status }) };
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
    if (reply.wire) sendWireFault(reply.wire, req, res, requestId, reply.result, reply.status);
    else sendResult(res, requestId, reply.result);
  } catch (error) {
    if (deps.closing.aborted) {
      req.socket.destroy();
      return;
    }
    sendError(res, requestId, error instanceof AwsError ? error : internalError());
  }
}
