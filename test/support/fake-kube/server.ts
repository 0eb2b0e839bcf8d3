import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Certificate } from './tls';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface Listening {
  url: string;
  /** Stops listening and drops every connection; the port stays ours to resume on. */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** An HTTP (or HTTPS) server on 127.0.0.1 that can stop answering and come back on the same port. */
export async function listen(port: number, certificate: Certificate | undefined, handler: Handler): Promise<Listening> {
  const serve = (req: IncomingMessage, res: ServerResponse) => void handler(req, res).catch(() => req.socket.destroy());
  const server: Server = certificate ? createHttps({ ...certificate, keepAlive: true }, serve) : createHttp({ keepAlive: true }, serve);
  const actual = await listenOn(server, port);
  let listening = true;
  const stop = () =>
    new Promise<void>((done) => {
      if (!listening) return done();
      listening = false;
      server.close(() => done());
      server.closeAllConnections();
    });
  return {
    url: `${certificate ? 'https' : 'http'}://127.0.0.1:${actual}`,
    suspend: stop,
    resume: async () => {
      if (listening) return;
      await listenOn(server, actual);
      listening = true;
    },
    close: stop,
  };
}
