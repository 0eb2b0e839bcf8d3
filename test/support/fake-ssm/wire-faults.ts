import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_TYPE } from './protocol';
import type { FaultKind } from './types';

/** Faults of the answer itself rather than an AWS error: what a proxy, a load balancer or a dying host sends. */
export type WireFault = Extract<FaultKind, 'drop' | 'reset' | 'truncated' | 'invalid-json' | 'corrupt-json' | 'html'>;

const WIRE: ReadonlySet<FaultKind> = new Set<WireFault>(['drop', 'reset', 'truncated', 'invalid-json', 'corrupt-json', 'html']);

export const isWireFault = (kind: FaultKind): kind is WireFault => WIRE.has(kind);

const htmlPage = (status: number) =>
  `<html>\r\n<head><title>${status} Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>${status} Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n`;

/** The real answer with a stray `x` before the first value: JSON.parse's message then quotes the value's first characters. */
function corruptJson(payload: Buffer): Buffer {
  const text = payload.toString();
  const value = text.indexOf('"Value":');
  const at = value >= 0 ? value + '"Value":'.length : Math.floor(text.length / 2);
  return Buffer.from(`${text.slice(0, at)}x${text.slice(at)}`);
}

/**
 * Sends the broken answer `kind` to a call whose real result is `result` (the operation ran: any
 * SecureString in it is decrypted, as it would be on the wire):
 * - drop: the connection closes with no answer;
 * - reset: the connection is reset (TCP RST) with no answer;
 * - truncated: a 200 announcing the whole body, half of it sent, then the connection closes;
 * - invalid-json: a 200 whose body is the real one with its last brace replaced by `,]`;
 * - corrupt-json: a 200 whose body is the real one with a stray byte before the first value;
 * - html: a page from a proxy, `text/html`, HTTP `status` (503 unless the rule says).
 */
export function sendWireFault(kind: WireFault, req: IncomingMessage, res: ServerResponse, requestId: string, result: unknown, status = 503): void {
  const payload = Buffer.from(JSON.stringify(result));
  switch (kind) {
    case 'drop':
      req.socket.destroy();
      return;
    case 'reset':
      req.socket.resetAndDestroy();
      return;
    case 'truncated':
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': payload.length, 'x-amzn-RequestId': requestId });
      res.write(payload.subarray(0, Math.floor(payload.length / 2)), () => req.socket.destroy());
      return;
    case 'invalid-json':
    case 'corrupt-json': {
      const broken = kind === 'corrupt-json' ? corruptJson(payload) : Buffer.concat([payload.subarray(0, payload.length - 1), Buffer.from(',]')]);
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': broken.length, 'x-amzn-RequestId': requestId });
      res.end(broken);
      return;
    }
    case 'html': {
      const page = htmlPage(status);
      res.writeHead(status, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(page), Server: 'awselb/2.0' });
      res.end(page);
      return;
    }
  }
}
