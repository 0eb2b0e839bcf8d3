import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors';
import type { RefreshRequests } from '../runner/refresh-requests';
import type { WatchState } from '../runner/watch-state';
import type { Clock } from '../clock';
import { json } from './answer';
import { parseListen } from './listen-address';
import type { PromMetrics } from './prom-metrics';
import { capConnections } from './connection-cap';
import { httpLimits, type HttpLimits } from './http-limits';
import { openFileLimit } from './open-file-limit';
import { refreshAccess, type RefreshAccess } from './refresh-access';
import { refreshEndpoint } from './refresh-endpoint';

/** `POST /refresh`: what it asks for, and the token it requires (from `--refresh-token-file`). */
export interface RefreshDeps {
  readonly requests: RefreshRequests;
  readonly token: string | undefined;
}

export interface HealthDeps {
  readonly state: WatchState;
  readonly clock: Clock;
  /** The longest the loop may go without a tick and still be alive. */
  readonly aliveDeadlineMs: number;
  readonly maxStaleMs: number | undefined;
  readonly metrics: PromMetrics;
  /** Defaults to the limits for this process's `ulimit -n`. */
  readonly limits?: HttpLimits;
  /** Serve `POST /refresh`; absent, /refresh is not found. */
  readonly refresh?: RefreshDeps | undefined;
}

export interface HealthServer {
  /** `host:port` actually bound (port 0 picks one). */
  readonly address: string;
  readonly endpoints: readonly string[];
  /** Who may `POST /refresh`; undefined when it is not served. */
  readonly refresh: RefreshAccess['kind'] | undefined;
  close(): Promise<void>;
}

function readiness(deps: HealthDeps): [number, Record<string, unknown>] {
  const now = deps.clock.now();
  const { state } = deps;
  const lastSuccess = state.lastSuccessAt === undefined ? undefined : new Date(Date.now() - (now - state.lastSuccessAt)).toISOString();
  // A refused check leaves the last good files in place: still ready, with the reason said.
  const check = state.checkFailure === undefined ? undefined : `${state.checkFailure}; keeping the last good files`;
  const share = state.share;
  const sources = state.sourceSites.size > 0 ? Object.fromEntries(state.sourceSites) : undefined;
  if (state.ready(now)) return [200, { status: 'ready', lastSuccess, parameters: state.parameters, reason: check, share, sources }];
  const stale = state.lastSuccessAt === undefined ? 'no good render yet' : `the last good refresh is older than max_stale (${deps.maxStaleMs} ms)`;
  const reason = check === undefined ? stale : `${stale}: ${check}`;
  return [503, { status: 'not ready', reason, lastSuccess, lastError: state.lastErrorCode, share, sources }];
}

/** A request with a body: no endpoint reads one (`POST /refresh` neither), and would otherwise wait for it or drain it. */
const hasBody = (req: IncomingMessage) => req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';

type Route = (req: IncomingMessage, res: ServerResponse, path: string) => Promise<boolean>;

async function handle(deps: HealthDeps, refresh: Route | undefined, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (hasBody(req)) {
    // Answer and close without reading: the connection cannot be reused with a body left unread.
    res.setHeader('connection', 'close');
    return json(res, 413, { status: 'request body not allowed' });
  }
  const path = (req.url ?? '/').split('?')[0] as string;
  if (refresh !== undefined && (await refresh(req, res, path))) return;
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { status: 'method not allowed' }, { allow: 'GET, HEAD' });
  if (path === '/healthz') {
    const alive = deps.state.alive(deps.clock.now(), deps.aliveDeadlineMs);
    return json(res, alive ? 200 : 503, { status: alive ? 'ok' : 'stuck', consecutiveFailures: deps.state.consecutiveFailures });
  }
  if (path === '/readyz') {
    const [status, body] = readiness(deps);
    return json(res, status, body);
  }
  if (path === '/metrics') {
    const text = await deps.metrics.render();
    res.writeHead(200, { 'content-type': deps.metrics.contentType });
    res.end(text);
    return;
  }
  json(res, 404, { status: 'not found', endpoints: endpoints(deps) });
}

const endpoints = (deps: Pick<HealthDeps, 'refresh'>): string[] => ['/healthz', '/readyz', '/metrics', ...(deps.refresh ? ['POST /refresh'] : [])];

function closeServer(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/**
 * Serve /healthz (the loop is alive), /readyz (first render done, data not stale), /metrics, and
 * with `deps.refresh` `POST /refresh` (who may ask: `refreshAccess`).
 */
export async function startHealthServer(listen: string, deps: HealthDeps): Promise<HealthServer> {
  const { host, port } = parseListen(listen);
  const limits = deps.limits ?? httpLimits(openFileLimit());
  // Set once the bound address is known: it decides who may ask for a refresh.
  let refresh: Route | undefined;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
    },
    (req, res) => {
      handle(deps, refresh, req, res).catch(() => json(res, 500, { status: 'error' }));
    },
  );
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.setTimeout(limits.idleTimeoutMs);
  capConnections(server, limits.maxConnections);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(new ConfigError(`Cannot listen on ${listen} (${error.code ?? 'error'})`, { hint: 'pick a free port with --listen HOST:PORT', cause: error })),
    );
    server.listen(port, host, resolve);
  });
  const bound = server.address() as AddressInfo;
  const address = `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`;
  const access = deps.refresh && refreshAccess(deps.refresh.token, bound.address, address);
  if (deps.refresh && access) {
    refresh = refreshEndpoint({
      requests: deps.refresh.requests,
      access,
      metrics: deps.metrics.metrics,
      answerWithinMs: limits.refreshAnswerMs,
      maxWaiting: limits.maxRefreshWaiting,
    });
  }
  return { address, endpoints: endpoints(deps), refresh: access?.kind, close: () => closeServer(server) };
}
