import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONTENT_TYPE } from './protocol';
import type { FaultKind } from './types';

/** Faults of the answer itself rather than an AWS error: what a proxy, a load balancer or a dying host sends. */
export type WireFault = Extract<FaultKind, 'drop' | 'reset' | 'truncated' | 'invalid-json' | 'html-503'>;

const WIRE: ReadonlySet<FaultKind> = new Set<WireFault>(['drop', 'reset', 'truncated', 'invalid-json', 'html-503']);

export const isWireFault = (kind: FaultKind): kind is WireFault => WIRE.has(kind);

const HTML_503 =
  '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n';

/**
 * Sends the broken answer `kind` to a call whose real result is `result` (the operation ran: any
 * SecureString in it is decrypted, as it would be on the wire):
 * - drop: the connection closes with no answer;
 * - reset: the connection is reset (TCP RST) with no answer;
 * - truncated: a 200 announcing the whole body, half of it sent, then the connection closes;
 * - invalid-json: a 200 whose body is the real one with its last brace replaced by `,]`;
 * - html-503: a 503 from a proxy, `text/html`.
 */
export function sendWireFault(kind: WireFault, req: IncomingMessage, res: ServerResponse, requestId: string, result: unknown): void {
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
    case 'invalid-json': {
      const broken = Buffer.concat([payload.subarray(0, payload.length - 1), Buffer.from(',]')]);
      res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': broken.length, 'x-amzn-RequestId': requestId });
      res.end(broken);
      return;
    }
    case 'html-503':
      res.writeHead(503, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(HTML_503), Server: 'awselb/2.0' });
      res.end(HTML_503);
      return;
  }
}
