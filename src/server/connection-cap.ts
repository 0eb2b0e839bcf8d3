import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Holds at most `max` connections on `server`. When one more arrives, the oldest connection that is
 * not being answered (an idle keep-alive, or one still sending its headers) is closed at once; if
 * every one is being answered, the new one is. Refusing the newest instead would let whoever holds
 * `max` idle connections lock out every probe until they time out, and then race for the slots again:
 * closing the oldest lets a fresh probe in whatever the flood does.
 */
export function capConnections(server: Server, max: number): void {
  // Insertion order is age order; the value is the number of requests being answered on it.
  const open = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    open.set(socket, 0);
    socket.once('close', () => open.delete(socket));
    if (open.size <= max) return;
    let victim = socket;
    for (const [candidate, answering] of open) {
      if (answering === 0) {
        victim = candidate;
        break;
      }
    }
    open.delete(victim);
    victim.destroy();
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    if (!open.has(socket)) return;
    open.set(socket, (open.get(socket) ?? 0) + 1);
    res.once('close', () => {
      if (open.has(socket)) open.set(socket, Math.max(0, (open.get(socket) ?? 1) - 1));
    });
  });
}
