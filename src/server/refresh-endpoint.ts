import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoopMetrics } from '../metrics';
import type { RefreshRequests, RefreshTicket, RequestedOutcome } from '../runner/refresh-requests';
import { json } from './answer';
import type { RefreshAccess } from './refresh-access';

export interface RefreshEndpointDeps {
  readonly requests: RefreshRequests;
  /** Who may ask (`refreshAccess`): checked before anything else on every /refresh path. */
  readonly access: RefreshAccess;
  readonly metrics: LoopMetrics;
  /** How long `POST /refresh` waits for the outcome before answering 202 (`HttpLimits.refreshAnswerMs`). */
  readonly answerWithinMs: number;
  /** Requests waiting for an outcome at once; more are answered 202 at once (`HttpLimits.maxRefreshWaiting`). */
  readonly maxWaiting: number;
}

const STATUS: Record<RequestedOutcome['status'], number> = { changed: 200, unchanged: 200, failed: 502, stopped: 503 };

/** The answer for a ticket: its outcome (200, 502 failed, 503 stopped), or 202 while it runs. */
function answer(res: ServerResponse, ticket: RefreshTicket): void {
  const { id, outcome } = ticket;
  if (outcome === undefined) {
    const location = `/refresh/${id}`;
    return json(res, 202, { status: 'running', id, location }, { location });
  }
  json(res, STATUS[outcome.status], { ...outcome, id });
}

/** The ticket's outcome, or undefined when it has not come within `ms` or the client went away. */
function outcomeWithin(ticket: RefreshTicket, ms: number, res: ServerResponse): Promise<RequestedOutcome | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    res.once('close', done);
    void ticket.done.then(done);
    function done() {
      clearTimeout(timer);
      res.off('close', done);
      resolve(ticket.outcome);
    }
  });
}

/** Answers a request `access` refuses (401 or 403) and returns true; false when it may go on. */
function refused(access: RefreshAccess, req: IncomingMessage, res: ServerResponse, metrics: LoopMetrics): boolean {
  if (access.kind === 'loopback') return false;
  if (access.kind === 'locked') {
    if (req.method === 'POST') metrics.refreshRequest('forbidden');
    json(res, 403, {
      status: 'forbidden',
      hint: `this port (${access.address}) is reachable from other machines, so /refresh needs a token: start with --refresh-token-file FILE, or listen on 127.0.0.1`,
    });
    return true;
  }
  const header = req.headers.authorization;
  if (access.token.accepts(header)) return false;
  if (req.method === 'POST') metrics.refreshRequest('unauthorized');
  // RFC 6750: no credentials, a bare challenge; wrong ones, `invalid_token`. Neither says more.
  const challenge = header === undefined ? 'Bearer' : 'Bearer error="invalid_token"';
  json(
    res,
    401,
    { status: 'unauthorized', hint: 'send the token of --refresh-token-file as `Authorization: Bearer TOKEN`' },
    { 'www-authenticate': challenge },
  );
  return true;
}

/**
 * `POST /refresh` runs a refresh now and answers with its outcome: 200 `changed` (the files by
 * name) or `unchanged`, 502 `failed` (the error's code and hint), 503 `stopped`. A refresh that
 * takes longer than `answerWithinMs` is answered 202 with its id, and `GET /refresh/ID` gives its
 * outcome later, so no connection is held past the server's timeouts. Returns false for a path
 * that is not one of these.
 */
export function refreshEndpoint(deps: RefreshEndpointDeps): (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean> {
  let waiting = 0;
  const post = async (res: ServerResponse) => {
    const ticket = deps.requests.request();
    if (ticket.outcome === undefined && waiting < deps.maxWaiting) {
      waiting += 1;
      try {
        await outcomeWithin(ticket, deps.answerWithinMs, res);
      } finally {
        waiting -= 1;
      }
    }
    if (res.destroyed) return;
    deps.metrics.refreshRequest(ticket.outcome?.status ?? 'accepted');
    answer(res, ticket);
  };

  return async (req, res, path) => {
    const id = /^\/refresh\/(\d{1,9})$/.exec(path)?.[1];
    if (path !== '/refresh' && id === undefined) return false;
    if (refused(deps.access, req, res, deps.metrics)) return true;
    if (id === undefined) {
      if (req.method !== 'POST') json(res, 405, { status: 'method not allowed', hint: 'POST /refresh' }, { allow: 'POST' });
      else await post(res);
      return true;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      json(res, 405, { status: 'method not allowed' }, { allow: 'GET, HEAD' });
      return true;
    }
    const ticket = deps.requests.find(Number(id));
    if (ticket === undefined) json(res, 404, { status: 'not found', hint: `no refresh ${id} (the last 16 are kept)` });
    else answer(res, ticket);
    return true;
  };
}
