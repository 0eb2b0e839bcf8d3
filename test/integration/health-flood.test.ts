import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { connect, type Socket } from 'node:net';
import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, msg, startCli, type LiveCli } from '../support/cli-process';
import type { FakeSsm } from '../support/fake-ssm';
import { awsEnv, CANARY, guideHooks, PATH, type Scratch } from '../support/toolkit';

// The health port of `watch --listen` under a flood: the built CLI as a real process with a low
// `ulimit -n`, so that the connections a flood opens would otherwise exhaust its file descriptors.
const FD_LIMIT = 256;
const FLOOD = 400; // more than the process may open at all, so more than any cap
const HEADERS_TIMEOUT_BOUND_MS = 9_000; // the promised bound on headers, with room for a loaded machine

let fake: FakeSsm;
let dir: Scratch;
let running: LiveCli[] = [];
let sockets: Socket[] = [];
guideHooks((f, d) => {
  fake = f;
  dir = d;
});
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets = [];
  for (const cli of running) {
    cli.kill('SIGKILL');
    await cli.exited;
    expect(cli.output()).not.toContain(CANARY);
  }
  running = [];
});

async function watchWithFewFds(): Promise<{ cli: LiveCli; port: number; pid: number }> {
  dir.write('ssm-render.yaml', 'watch: { interval: 1s, jitter: 0 }\ntemplates:\n  - format: dotenv\n    destination: out/app.env\n');
  const node = ['sh', '-c', `ulimit -n ${FD_LIMIT}; exec "$0" "$@"`, process.execPath];
  const cli = startCli(['watch', '--listen', '127.0.0.1:0'], { cwd: dir.dir, env: awsEnv(fake), node });
  running.push(cli);
  await cli.waitForLog(msg('first render complete, watching'), 30_000);
  const address = String((await cli.waitForLog(msg('health endpoints listening')))['address']);
  return { cli, port: Number(address.split(':').pop()), pid: cli.child.pid as number };
}

interface Held {
  socket: Socket;
  closedAt?: number;
}

/** Opens `count` connections that send nothing (or what `send` writes), and notes when each is closed. */
async function open(port: number, count: number): Promise<Held[]> {
  const held = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Held>((resolve) => {
          const socket = connect(port, '127.0.0.1');
          const entry: Held = { socket };
          sockets.push(socket);
          socket.on('error', () => undefined);
          socket.on('data', () => undefined);
          socket.once('close', () => (entry.closedAt ??= performance.now()));
          socket.once('connect', () => resolve(entry));
          socket.once('error', () => resolve(entry));
          setTimeout(() => resolve(entry), 5_000);
        }),
    ),
  );
  return held;
}

/** GET `path` over a fresh connection (no agent, no reuse); the status, or an error code. */
function probe(port: number, path = '/healthz', timeoutMs = 3_000): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const password = () => parseDotenv(readFileSync(dir.path('out/app.env')))['ELASTICSEARCH_PASSWORD'];

describe('the health port under a flood', () => {
  it('more idle connections than the process has file descriptors: /healthz answers a fresh connection, a rotation reaches the file, and every idle one is closed', async () => {
    const { cli, port, pid } = await watchWithFewFds();
    const before = openFds(pid);

    const flood = await open(port, FLOOD);
    const floodedAt = performance.now();
    // The process stays well inside its descriptors while the flood is held...
    await new Promise((r) => setTimeout(r, 500));
    expect(openFds(pid)).toBeLessThan(before + FD_LIMIT / 4 + 8);
    // ...a probe from a fresh connection is answered at once...
    expect(await probe(port, '/healthz')).toBe(200);
    expect(await probe(port, '/readyz')).toBe(200);
    // ...and the refresh path still gets its sockets: a rotation reaches the file during the flood.
    fake.put(`${PATH}ELASTICSEARCH/PASSWORD`, `es-2-${CANARY}`, { type: 'SecureString' });
    await eventually(() => (password() === `es-2-${CANARY}` ? true : undefined), 8_000, 'the rotated value during the flood');
    expect(await probe(port, '/metrics')).toBe(200);

    // Every idle connection is closed by the server: evicted for newer ones, or timed out.
    await eventually(() => (flood.every((h) => h.closedAt !== undefined) ? true : undefined), HEADERS_TIMEOUT_BOUND_MS, 'every idle connection closed');
    expect(Math.max(...flood.map((h) => (h.closedAt as number) - floodedAt))).toBeLessThan(HEADERS_TIMEOUT_BOUND_MS);
    expect(await probe(port, '/healthz')).toBe(200);
    expect(cli.output()).not.toMatch(/EMFILE|Parameter Store refused|refresh failed/);
  });

  it('slowloris: headers trickled a byte at a time are cut off within the headers timeout, while probes are answered', async () => {
    const { port } = await watchWithFewFds();
    const request = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${'X-Slow: a\r\n'.repeat(200)}\r\n`;
    const slow = await open(port, 3);
    const startedAt = performance.now();
    let sent = 0;
    const trickle = setInterval(() => {
      for (const h of slow) if (h.closedAt === undefined) h.socket.write(request[sent] ?? '');
      sent += 1;
    }, 50);
    try {
      expect(await probe(port, '/healthz')).toBe(200);
      await eventually(() => (slow.every((h) => h.closedAt !== undefined) ? true : undefined), HEADERS_TIMEOUT_BOUND_MS + 2_000, 'the slow connections closed');
      for (const h of slow) expect((h.closedAt as number) - startedAt).toBeLessThan(HEADERS_TIMEOUT_BOUND_MS);
      expect(sent).toBeLessThan(request.length); // cut off before the headers were complete
    } finally {
      clearInterval(trickle);
    }
  });

  it('a request body is refused at once (413, connection closed) instead of being read or waited for', async () => {
    const { port } = await watchWithFewFds();
    for (const framing of ['Content-Length: 1000000', 'Transfer-Encoding: chunked']) {
      const [held] = await open(port, 1);
      const socket = (held as Held).socket;
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString()));
      const sentAt = performance.now();
      socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n${framing}\r\n\r\n`);
      await eventually(() => ((held as Held).closedAt !== undefined ? true : undefined), 3_000, `the connection closed (${framing})`);
      expect(answer).toMatch(/^HTTP\/1\.1 413 /);
      expect(((held as Held).closedAt as number) - sentAt).toBeLessThan(2_000);
    }
  });
});
