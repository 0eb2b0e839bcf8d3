import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { realClock } from '../../../src/clock';
import { RefreshRequests } from '../../../src/runner/refresh-requests';
import { Wake } from '../../../src/runner/wake';
import { WatchState } from '../../../src/runner/watch-state';
import { startHealthServer, type HealthServer } from '../../../src/server/health-server';
import { httpLimits, type HttpLimits } from '../../../src/server/http-limits';
import { createPromMetrics, type PromMetrics } from '../../../src/server/prom-metrics';
import { refreshEndpoint } from '../../../src/server/refresh-endpoint';
import { createServer, type Server } from 'node:http';

const TOKEN = 'CANARY-refresh-token-0d9f8e7c6b5a';

let servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers) await server.close();
  servers = [];
});

interface Started {
  server: HealthServer;
  requests: RefreshRequests;
  prom: PromMetrics;
  url: string;
}

async function start(options: { token?: string; limits?: Partial<HttpLimits> } = {}): Promise<Started> {
  const requests = new RefreshRequests(new Wake());
  const prom = await createPromMetrics();
  const server = await startHealthServer('127.0.0.1:0', {
    state: new WatchState(realClock.now(), undefined),
    clock: realClock,
    aliveDeadlineMs: 60_000,
    maxStaleMs: undefined,
    metrics: prom,
    limits: { ...httpLimits(undefined), ...options.limits },
    refresh: { requests, token: options.token },
  });
  servers.push(server);
  return { server, requests, prom, url: `http://${server.address}` };
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  text: string;
}

/** One request over a fresh connection; `body` sends that many bytes. */
function call(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, headers: { connection: 'close', ...headers }, agent: false }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: String(res.headers['content-type']).startsWith('application/json') ? (JSON.parse(text) as Record<string, unknown>) : {},
          text,
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Plays the loop: once a request waits, runs "a refresh" that ends with `outcome`. */
async function refreshWhenAsked(requests: RefreshRequests, outcome: Parameters<NonNullable<ReturnType<RefreshRequests['claim']>>>[0]): Promise<void> {
  for (let i = 0; i < 200 && !requests.waiting; i++) await new Promise((r) => setTimeout(r, 5));
  requests.claim()?.(outcome);
}

describe('POST /refresh on loopback, no token', () => {
  it('runs a refresh and answers with the files it changed, counted in /metrics', async () => {
    const { url, requests } = await start();
    const [answer] = await Promise.all([call(url, 'POST', '/refresh'), refreshWhenAsked(requests, { status: 'changed', files: ['/secrets/app.env'] })]);
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.body).toEqual({ status: 'changed', files: ['/secrets/app.env'], id: 1 });
    const metrics = (await call(url, 'GET', '/metrics')).text;
    expect(metrics).toMatch(/ssm_render_refresh_requests_total\{result="changed"\} 1/);
    expect(metrics).toMatch(/ssm_render_refresh_requests_total\{result="unauthorized"\} 0/);
  });

  it('answers unchanged 200, a failure 502 with its code and hint, a stop 503', async () => {
    const { url, requests } = await start();
    const [unchanged] = await Promise.all([call(url, 'POST', '/refresh'), refreshWhenAsked(requests, { status: 'unchanged' })]);
    expect([unchanged.status, unchanged.body['status']]).toEqual([200, 'unchanged']);
    const failure = { status: 'failed', code: 'THROTTLED', hint: 'wait', retryable: true } as const;
    const [failed] = await Promise.all([call(url, 'POST', '/refresh'), refreshWhenAsked(requests, failure)]);
    expect([failed.status, failed.body]).toEqual([502, { ...failure, id: 2 }]);
    const stopping = call(url, 'POST', '/refresh');
    await refreshWhenAsked(requests, { status: 'stopped' });
    expect((await stopping).status).toBe(503);
  });

  it('concurrent requests share one refresh and one answer', async () => {
    const { url, requests } = await start();
    let arrived = 0;
    const request = requests.request.bind(requests);
    requests.request = () => (arrived++, request());
    const asked = Array.from({ length: 8 }, () => call(url, 'POST', '/refresh'));
    // All eight arrive before the refresh starts.
    for (let i = 0; i < 1_000 && arrived < 8; i++) await new Promise((r) => setTimeout(r, 5));
    requests.claim()?.({ status: 'unchanged' });
    const answers = await Promise.all(asked);
    expect(new Set(answers.map((a) => a.body['id']))).toEqual(new Set([1]));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(requests.claim()).toBeUndefined();
  });

  it('a refresh slower than the answer time is answered 202, its outcome at GET /refresh/ID', async () => {
    const { url, requests } = await start({ limits: { refreshAnswerMs: 50 } });
    const accepted = await call(url, 'POST', '/refresh');
    expect(accepted.status).toBe(202);
    expect(accepted.body).toEqual({ status: 'running', id: 1, location: '/refresh/1' });
    expect(accepted.headers['location']).toBe('/refresh/1');
    expect((await call(url, 'GET', '/refresh/1')).status).toBe(202);
    requests.claim()?.({ status: 'changed', files: ['/secrets/a.env', '/secrets/b.yaml'] });
    expect((await call(url, 'GET', '/refresh/1')).body).toEqual({ status: 'changed', files: ['/secrets/a.env', '/secrets/b.yaml'], id: 1 });
    expect((await call(url, 'GET', '/refresh/7')).status).toBe(404);
  });

  it('past the waiting cap, a request is answered 202 at once and still runs', async () => {
    const { url, requests } = await start({ limits: { maxRefreshWaiting: 0 } });
    const started = performance.now();
    const answer = await call(url, 'POST', '/refresh');
    expect(answer.status).toBe(202);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(requests.waiting).toBe(true);
  });

  it('a client that goes away while waiting is not answered, and nothing breaks', async () => {
    const { url, requests } = await start();
    await new Promise<void>((resolve) => {
      const req = request(`${url}/refresh`, { method: 'POST', agent: false });
      req.on('error', () => resolve());
      req.end();
      void (async () => {
        for (let i = 0; i < 200 && !requests.waiting; i++) await new Promise((r) => setTimeout(r, 5));
        req.destroy();
        resolve();
      })();
    });
    await new Promise((r) => setTimeout(r, 50));
    requests.claim()?.({ status: 'unchanged' });
    expect((await call(url, 'GET', '/healthz')).status).toBe(200);
  });

  it('takes no body, no other method, and lists itself among the endpoints', async () => {
    const { url, requests } = await start();
    const withBody = await call(url, 'POST', '/refresh', { 'content-type': 'application/json' }, JSON.stringify({ x: 'y'.repeat(10_000) }));
    expect(withBody.status).toBe(413);
    expect(withBody.headers['connection']).toBe('close');
    const get = await call(url, 'GET', '/refresh');
    expect([get.status, get.headers['allow']]).toEqual([405, 'POST']);
    expect((await call(url, 'DELETE', '/refresh/1')).status).toBe(405);
    expect((await call(url, 'GET', '/nothing')).body['endpoints']).toContain('POST /refresh');
    expect(requests.waiting).toBe(false);
  });
});

describe('POST /refresh with a token', () => {
  it('refuses a missing or wrong token with 401 and never echoes what was sent or expected', async () => {
    const { url, requests, prom } = await start({ token: TOKEN });
    const missing = await call(url, 'POST', '/refresh');
    expect([missing.status, missing.headers['www-authenticate']]).toEqual([401, 'Bearer']);
    const wrong = await call(url, 'POST', '/refresh', { authorization: `Bearer CANARY-wrong-${TOKEN.slice(0, 8)}` });
    expect([wrong.status, wrong.headers['www-authenticate']]).toEqual([401, 'Bearer error="invalid_token"']);
    const status = await call(url, 'GET', '/refresh/1', { authorization: 'Bearer nope' });
    expect(status.status).toBe(401);
    for (const answer of [missing, wrong, status]) expect(`${answer.text}${JSON.stringify(answer.headers)}`).not.toContain('CANARY');
    expect(requests.waiting).toBe(false);
    expect(await prom.render()).toMatch(/ssm_render_refresh_requests_total\{result="unauthorized"\} 2/);
  });

  it('runs the refresh for the right token', async () => {
    const { url, requests } = await start({ token: TOKEN });
    const [answer] = await Promise.all([
      call(url, 'POST', '/refresh', { authorization: `Bearer ${TOKEN}` }),
      refreshWhenAsked(requests, { status: 'unchanged' }),
    ]);
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain('CANARY');
    expect((await call(url, 'GET', '/refresh/1', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });
});

describe('POST /refresh on an address other machines reach, without a token', () => {
  // The decision itself (refreshAccess) is tested beside loopback; here the answer it leads to, on 127.0.0.1.
  it('is forbidden, with the flag to give, and counted', async () => {
    const requests = new RefreshRequests(new Wake());
    const prom = await createPromMetrics();
    const route = refreshEndpoint({
      requests,
      access: { kind: 'locked', address: '0.0.0.0:9090' },
      metrics: prom.metrics,
      answerWithinMs: 1_000,
      maxWaiting: 4,
    });
    const server: Server = createServer((req, res) => void route(req, res, req.url ?? '/'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))) });
    const { port } = server.address() as { port: number };
    const answer = await call(`http://127.0.0.1:${port}`, 'POST', '/refresh');
    expect(answer.status).toBe(403);
    expect(answer.body['hint']).toMatch(/0\.0\.0\.0:9090.*--refresh-token-file/);
    expect(requests.waiting).toBe(false);
    expect(await prom.render()).toMatch(/ssm_render_refresh_requests_total\{result="forbidden"\} 1/);
  });
});
