import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** An HTTP server on 127.0.0.1 whose close() ends promptly, keep-alive connections included. */
export function listen(port: number, handler: Handler, onClose: () => void): Promise<Listening> {
  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    handler(req, res).catch(() => req.socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const { port: actual } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () =>
          new Promise<void>((done) => {
            onClose();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
