import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CallLog } from './calls';
import { discovery } from './discovery';
import type { Faults } from './faults';
import { OPENAPI_V2 } from './openapi';
import { operate, type OperationDeps } from './operations';
import { apiRoute, type ApiRoute } from './routes';
import { forbidden, internalError, KubeError, pathNotFound, unauthorized } from './status';
import type { CallRecord } from './types';
import { serveWatch, type WatchRegistry } from './watch';

export interface HandlerDeps extends OperationDeps {
  token: string;
  user: string;
  faults: Faults;
  calls: CallLog;
  watches: WatchRegistry;
  /** Aborted when the server closes, so pending delays end. */
  closing: AbortSignal;
}

const HEALTH = new Set(['/healthz', '/livez', '/readyz']);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload), 'Audit-Id': randomUUID() });
  res.end(payload);
}

/** The injected faults of an API call: a delay, then a refusal, a dropped connection, or nothing. */
async function applyFaults(req: IncomingMessage, route: ApiRoute, deps: HandlerDeps): Promise<'dropped' | undefined> {
  const { verb, type, namespace, name } = route;
  const decision = deps.faults.decide({ verb, resource: type.plural, namespace, name });
  if (decision.delayMs > 0) await sleep(decision.delayMs, undefined, { signal: deps.closing });
  switch (decision.failure) {
    case 'forbidden':
      throw forbidden(type, verb, deps.user, namespace, name);
    case 'unauthorized':
      throw unauthorized();
    case 'server-error':
      throw internalError('an injected fault');
    case 'drop':
      req.socket.destroy();
      return 'dropped';
    default:
      return undefined;
  }
}

/** Serves one request: bearer-token auth, discovery, then an API call with its faults, recording it. */
export async function handleKube(req: IncomingMessage, res: ServerResponse, deps: HandlerDeps): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://fake-kube');
  const method = req.method ?? 'GET';
  const record: CallRecord = {
    method,
    path: url.pathname,
    query: url.search,
    verb: 'unknown',
    userAgent: String(req.headers['user-agent'] ?? ''),
    status: 0,
    at: Date.now(),
  };
  const body = await readBody(req);
  try {
    if (req.headers.authorization !== `Bearer ${deps.token}`) throw unauthorized();
    if (HEALTH.has(url.pathname)) {
      record.verb = 'discovery';
      record.status = 200;
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
      return;
    }
    if (method === 'GET' && url.pathname === '/openapi/v2') {
      record.verb = 'discovery';
      record.status = 200;
      res.writeHead(200, { 'Content-Type': OPENAPI_V2.contentType, 'Content-Length': OPENAPI_V2.body.length }).end(OPENAPI_V2.body);
      return;
    }
    const document = method === 'GET' ? discovery(url.pathname) : undefined;
    if (document) {
      record.verb = 'discovery';
      record.status = 200;
      reply(res, 200, document);
      return;
    }
    const route = apiRoute(method, url.pathname, url.searchParams);
    if (!route) throw pathNotFound();
    Object.assign(record, { verb: route.verb, resource: route.type.plural, namespace: route.namespace, name: route.name });
    if ((await applyFaults(req, route, deps)) === 'dropped') return;
    if (route.verb === 'watch') {
      serveWatch(req, res, route, url.searchParams, deps);
      record.status = 200;
      return;
    }
    const answer = operate(deps, { route, query: url.searchParams, contentType: String(req.headers['content-type'] ?? ''), body });
    record.status = answer.status;
    reply(res, answer.status, answer.body);
  } catch (error) {
    if (deps.closing.aborted) {
      req.socket.destroy();
      return;
    }
    const failure = error instanceof KubeError ? error : internalError(error instanceof Error ? error.message : String(error));
    record.status = failure.status.code;
    reply(res, failure.status.code, failure.status);
  } finally {
    deps.calls.record(record);
  }
}
