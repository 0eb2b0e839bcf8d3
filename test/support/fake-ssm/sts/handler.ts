import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Counters } from '../counters';
import { AwsError } from '../errors';
import type { Faults } from '../faults';
import type { Iam, Session } from '../iam';
import type { Settings } from '../options';
import { readBody, securityToken, signingScope } from '../protocol';
import type { RequestRecord } from '../types';
import { parseAssumeRole } from './assume-role';
import { expiredToken, incompleteSignature, invalidAction, invalidClientToken, missingAction, missingToken, stsFaultError, wrongService } from './errors';
import { sendAssumeRoleResult, sendStsError } from './xml';

export interface StsHandlerDeps {
  iam: Iam;
  settings: Settings;
  faults: Faults;
  counters: Counters;
  /** Aborted when the server closes, so pending delays end. */
  closing: AbortSignal;
}

/** Whether a request is for STS: the Query protocol's form body (SSM's JSON protocol names its target in a header). */
export function isQueryRequest(req: IncomingMessage): boolean {
  return String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded') && !req.headers['x-amz-target'];
}

async function serve(deps: StsHandlerDeps, req: IncomingMessage, form: URLSearchParams, record: RequestRecord): Promise<Session | 'drop'> {
  const { iam, settings, faults, closing } = deps;
  const scope = signingScope(req.headers.authorization);
  if (scope === 'missing') throw missingToken();
  if (scope === 'malformed') throw incompleteSignature();
  Object.assign(record, { accessKeyId: scope.accessKeyId, region: scope.region });
  if (scope.service !== 'sts') throw wrongService();
  iam.authenticate(scope.accessKeyId, securityToken(req), expiredToken, invalidClientToken);
  const action = form.get('Action');
  if (!action) throw missingAction();
  if (action !== 'AssumeRole') throw invalidAction(action);
  const request = parseAssumeRole(form);
  record.resources = [request.roleArn];
  const decision = faults.decideNamed(action);
  if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { signal: closing });
  if (decision.failure?.kind === 'drop') return 'drop';
  const principal = iam.principal(scope.accessKeyId, settings.accountId);
  const failure = decision.failure && stsFaultError(decision.failure.kind, principal, request.roleArn);
  if (failure) throw failure;
  return iam.assume(scope.accessKeyId, settings.accountId, request);
}

/** Serves one STS Query-protocol request (AssumeRole) from the same URL as SSM. */
export async function handleSts(req: IncomingMessage, res: ServerResponse, deps: StsHandlerDeps): Promise<void> {
  const requestId = randomUUID();
  const form = new URLSearchParams(await readBody(req));
  const record: RequestRecord = { operation: form.get('Action') ?? 'Unknown', at: Date.now() };
  deps.counters.call(record);
  try {
    const outcome = await serve(deps, req, form, record);
    if (outcome === 'drop') req.socket.destroy();
    else sendAssumeRoleResult(res, requestId, outcome);
  } catch (error) {
    if (deps.closing.aborted) {
      req.socket.destroy();
      return;
    }
    sendStsError(res, requestId, error instanceof AwsError ? error : new AwsError('InternalFailure', 'An internal error occurred.', 500));
  }
}
