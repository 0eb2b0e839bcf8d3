import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../errors';
import type { WatchState } from '../runner/watch-state';
import type { Clock } from '../clock';
import { parseListen } from './listen-address';
import type { PromMetrics } from './prom-metrics';
import { capConnections } from './connection-cap';
import { httpLimits, type HttpLimits } from './http-limits';
import { openFileLimit } from './open-file-limit';

export interface HealthDeps {
  readonly state: WatchState;
  readonly clock: Clock;
  /** The longest the loop may go without a tick and still be alive. */
  readonly aliveDeadlineMs: number;
  readonly maxStaleMs: number | undefined;
  readonly metrics: PromMetrics;
  /** Defaults to the limits for this process's `ulimit -n`. */
  readonly limits?: HttpLimits;
}

export interface HealthServer {
  /** `host:port` actually bound (port 0 picks one). */
  readonly address: string;
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(`${JSON.stringify(body)}\n`);
}

function readiness(deps: HealthDeps): [number, Record<string, unknown>] {
  const now = deps.clock.now();
  const { state } = deps;
  const lastSuccess = state.lastSuccessAt === undefined ? undefined : new Date(Date.now() - (now - state.lastSuccessAt)).toISOString();
  const sources = state.sourceSites.size > 0 ? Object.fromEntries(state.sourceSites) : undefined;
  if (state.ready(now)) return [200, { status: 'ready', lastSuccess, parameters: state.parameters, sources }];
  const reason = state.lastSuccessAt === undefined ? 'no good render yet' : `the last good refresh is older than max_stale (${deps.maxStaleMs} ms)`;
  return [503, { status: 'not ready', reason, lastSuccess, lastError: state.lastErrorCode, sources }];
}

/** A request with a body: these endpoints read none, and would otherwise wait for it or drain it. */
const hasBody = (req: IncomingMessage) => req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] ?? '0') !== '0';

async function handle(deps: HealthDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (hasBody(req)) {
    // Answer and close without reading: the connection cannot be reused with a body left unread.
    res.setHeader('connection', 'close');
    return json(res, 413, { status: 'request body not allowed' });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { status: 'method not allowed' });
  const path = (req.url ?? '/').split('?')[0];
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
  json(res, 404, { status: 'not found', endpoints: ['/healthz', '/readyz', '/metrics'] });
}

/** Serve /healthz (the loop is alive), /readyz (first render done, data not stale) and /metrics. */
export async function startHealthServer(listen: string, deps: HealthDeps): Promise<HealthServer> {
  const { host, port } = parseListen(listen);
  const limits = deps.limits ?? httpLimits(openFileLimit());
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
    },
    (req, res) => {
      handle(deps, req, res).catch(() => json(res, 500, { status: 'error' }));
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
  return {
    address: `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
