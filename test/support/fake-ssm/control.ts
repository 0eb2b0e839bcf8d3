import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from './protocol';
import type { FakeSsm, FaultRule, PutOptions, RoleOptions, RuntimeOptions } from './types';

export const CONTROL_PREFIX = '/__fake/';

type Body = Record<string, unknown>;
type Route = (api: FakeSsm, body: Body, query: URLSearchParams) => unknown;

const str = (body: Body, key: string): string => {
  const value = body[key];
  if (typeof value !== 'string') throw new TypeError(`Expected \`${key}\` to be a string, got ${typeof value}`);
  return value;
};

function putOptions(body: Body): PutOptions {
  const { type, keyId, description, labels } = body as PutOptions;
  return { type, keyId, description, labels };
}

/** The JSON body; the error never quotes it, since it may hold a value. */
function parseBody(text: string): Body {
  try {
    const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Body;
  } catch {
    // reported below
  }
  throw new TypeError('Expected the request body to be a JSON object');
}

const ROUTES: Record<string, Route> = {
  'POST put': (api, b) => ({ version: api.put(str(b, 'name'), str(b, 'value'), putOptions(b)) }),
  'POST label': (api, b) => api.label(str(b, 'name'), Number(b['version']), (b['labels'] ?? []) as string[]),
  'POST put-secret': (api, b) => api.putSecret(str(b, 'secretId'), str(b, 'value')),
  'POST delete': (api, b) => api.delete(str(b, 'name')),
  'GET value': (api, _b, q) => ({ value: api.value(q.get('name') ?? '') ?? null }),
  'GET names': (api) => ({ names: api.names() }),
  'POST inject': (api, b) => api.inject(b as unknown as FaultRule),
  'POST clear-faults': (api) => api.clearFaults(),
  'GET stats': (api) => ({ calls: api.calls(), decryptions: api.decryptions() }),
  'GET requests': (api) => ({ requests: api.requests() }),
  'POST reset-counters': (api) => api.resetCounters(),
  'POST options': (api, b) => api.setOptions(b as Partial<RuntimeOptions>),
  'POST add-role': (api, { arn, ...role }) => api.addRole(str({ arn }, 'arn'), role as RoleOptions),
  'POST restrict-access-key': (api, b) => api.restrictAccessKey(str(b, 'accessKeyId'), b['readablePaths'] as string[]),
  'POST expire-credentials': (api, b) => ({ expired: api.expireCredentials(b['roleArn'] === undefined ? undefined : str(b, 'roleArn')) }),
  'GET issued-credentials': (api) => ({ credentials: api.issuedCredentials() }),
  'GET health': () => ({}),
};

function reply(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
  res.end(payload);
}

/** The control API under /__fake/, so another process can seed, inject faults and read counters. */
export async function handleControl(req: IncomingMessage, res: ServerResponse, api: FakeSsm): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const route = ROUTES[`${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`];
  if (!route) {
    reply(res, 404, { error: `No control route ${req.method} ${url.pathname}` });
    return;
  }
  try {
    const body = parseBody(await readBody(req));
    reply(res, 200, { ok: true, ...(route(api, body, url.searchParams) as object | undefined) });
  } catch (error) {
    reply(res, 400, { ok: false, error: error instanceof Error ? error.message : 'invalid request' });
  }
}
