import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { capConnections } from '../../../src/server/connection-cap';
import { eventually } from '../../support/cli-process';

let server: Server;
let sockets: Socket[] = [];
const pending: ServerResponse[] = [];

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets = [];
  for (const res of pending.splice(0)) res.end();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

async function start(max: number): Promise<number> {
  // /hold is answered only when the test lets go; everything else at once.
  server = createServer((req, res) => (req.url === '/hold' ? pending.push(res) : res.end('ok')));
  capConnections(server, max);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

interface Client {
  socket: Socket;
  closed: boolean;
  answer: string;
}

async function client(port: number, request?: string): Promise<Client> {
  const socket = connect(port, '127.0.0.1');
  sockets.push(socket);
  const c: Client = { socket, closed: false, answer: '' };
  socket.on('data', (d: Buffer) => (c.answer += d.toString()));
  socket.on('close', () => (c.closed = true));
  await new Promise((r) => socket.once('connect', r));
  if (request) socket.write(`GET ${request} HTTP/1.1\r\nHost: x\r\n\r\n`);
  // Wait until the server has counted it: its request is being answered, or a round trip later.
  await new Promise((r) => setTimeout(r, 50));
  return c;
}

describe('capConnections', () => {
  it('past the cap, closes the oldest connection that is not being answered, and keeps the ones that are', async () => {
    const port = await start(3);
    const busy = await client(port, '/hold');
    const idle1 = await client(port);
    const idle2 = await client(port);
    const fresh = await client(port, '/now');
    await eventually(() => (idle1.closed ? true : undefined), 2_000, 'the oldest idle connection closed');
    await eventually(() => (fresh.answer.includes('ok') ? true : undefined), 2_000, 'the fresh request answered');
    expect([busy.closed, idle2.closed]).toEqual([false, false]);
    (pending.shift() as ServerResponse).end('held');
    await eventually(() => (busy.answer.includes('held') ? true : undefined), 2_000, 'the held request answered');
  });

  it('when every connection is being answered, the newest one is closed', async () => {
    const port = await start(2);
    const a = await client(port, '/hold');
    const b = await client(port, '/hold');
    const c = await client(port);
    await eventually(() => (c.closed ? true : undefined), 2_000, 'the newest connection closed');
    expect([a.closed, b.closed]).toEqual([false, false]);
  });

  it('a connection whose answer is done can be closed again for a newer one', async () => {
    const port = await start(1);
    const first = await client(port, '/now');
    await eventually(() => (first.answer.includes('ok') ? true : undefined), 2_000, 'the first answer');
    const second = await client(port, '/now');
    await eventually(() => (first.closed ? true : undefined), 2_000, 'the idle keep-alive connection closed');
    await eventually(() => (second.answer.includes('ok') ? true : undefined), 2_000, 'the second answer');
  });
});
