import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConnection } from './kube-connection';

/** A failed Kubernetes API call: its HTTP status (0: no answer) and the Status reason, never a body we sent. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly reason: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }

  /** How the beacon reads it: no answer, RBAC said no, someone else wrote first, it is not there, or other. */
  get fault(): 'unreachable' | 'forbidden' | 'conflict' | 'not-found' | 'failed' {
    if (this.status === 0 || this.status >= 500) return 'unreachable';
    if (this.status === 401 || this.status === 403) return 'forbidden';
    if (this.status === 409) return 'conflict';
    if (this.status === 404) return 'not-found';
    return 'failed';
  }
}

export interface KubeRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
  readonly timeoutMs: number;
}

/** Opens one request; resolves with the response once its headers arrive. */
export function openRequest(conn: KubeConnection, req: KubeRequest): Promise<IncomingMessage> {
  const url = new URL(conn.server + req.path);
  const body = req.body === undefined ? undefined : JSON.stringify(req.body);
  const token = conn.token();
  const headers: Record<string, string> = { accept: 'application/json', 'user-agent': 'ssm-render' };
  if (token) headers['authorization'] = `Bearer ${token}`;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(body));
  }
  const what = `${req.method} ${url.pathname}`;
  return new Promise((resolve, reject) => {
    const options = { method: req.method, headers, signal: req.signal, timeout: req.timeoutMs };
    const tls = { ca: conn.ca, rejectUnauthorized: !conn.insecure };
    const handle = (res: IncomingMessage) => resolve(res);
    const r = url.protocol === 'https:' ? httpsRequest(url, { ...options, ...tls }, handle) : httpRequest(url, options, handle);
    r.on('timeout', () => r.destroy(new Error(`timed out after ${req.timeoutMs} ms`)));
    r.on('error', (error: NodeJS.ErrnoException) =>
      reject(new KubeApiError(`${what} to ${conn.server}: no answer (${error.code ?? error.message})`, 0, error.code ?? 'NoAnswer')),
    );
    r.end(body);
  });
}

export async function readAll(res: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** One API call answered with JSON; a status other than 2xx is a KubeApiError naming the Status's reason. */
export async function kubeRequest<T>(conn: KubeConnection, req: KubeRequest): Promise<T> {
  const res = await openRequest(conn, req);
  let text: string;
  try {
    text = await readAll(res);
  } catch (error) {
    throw new KubeApiError(`${req.method} ${req.path}: the answer broke off (${(error as Error).message})`, 0, 'BrokenAnswer');
  }
  const status = res.statusCode ?? 0;
  if (status < 200 || status >= 300) throw statusError(req, status, text);
  try {
    return JSON.parse(text) as T;
  } catch {
    // JSON.parse's message quotes the text: say only what was wrong.
    throw new KubeApiError(`${req.method} ${req.path}: the answer is not JSON`, 0, 'NotJson');
  }
}

/** The error for an answer other than 2xx, with the reason and message of its Status object when it is one. */
export function statusError(req: Pick<KubeRequest, 'method' | 'path'>, status: number, text: string): KubeApiError {
  let reason = `HTTP${status}`;
  let message = '';
  try {
    const parsed = JSON.parse(text) as { reason?: string; message?: string };
    reason = parsed.reason ?? reason;
    message = parsed.message ?? '';
  } catch {
    // Not a Status object (a proxy's page): the HTTP status says enough.
  }
  return new KubeApiError(`${req.method} ${req.path.split('?')[0]}: ${status} ${reason}${message ? ` (${message})` : ''}`, status, reason);
}
