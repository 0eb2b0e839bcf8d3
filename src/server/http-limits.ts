/** The bounds the health server puts on each connection and on how many it holds at once. */
export interface HttpLimits {
  /** Connections held at once; past it, the oldest one not being answered is closed. */
  readonly maxConnections: number;
  /** From a connection's first byte (or its previous response) to the end of the request's headers. */
  readonly headersTimeoutMs: number;
  /** The whole request; no endpoint takes a body, so this only backs up `headersTimeoutMs`. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection, between one response and the next request. */
  readonly keepAliveTimeoutMs: number;
  /** A socket on which nothing moves either way (a client that stops reading a response). */
  readonly idleTimeoutMs: number;
  /** How often Node checks the header and request deadlines (its default is 30 s). */
  readonly checkIntervalMs: number;
  readonly maxHeaderBytes: number;
  /**
   * How long `POST /refresh` waits for its refresh before answering 202 (the outcome then at
   * `GET /refresh/ID`): under `idleTimeoutMs`, which would otherwise close the waiting connection.
   */
  readonly refreshAnswerMs: number;
  /** `POST /refresh` requests waiting at once; past it, 202 at once, so they never fill the connection cap. */
  readonly maxRefreshWaiting: number;
}

/**
 * The limits for a process that may open `fdLimit` file descriptors (undefined: no known limit).
 *
 * Who connects: kubelet or ECS probes (startup, liveness, readiness; a new connection each, closed
 * after the answer), one keep-alive connection per Prometheus replica, now and then a person with
 * curl. Each sends a few hundred bytes of headers at once and waits well under a second for the
 * answer, so a handful of connections at a time and a few seconds per request cover them many times
 * over. Everything else the process does needs descriptors too: Node's own (stdio, epoll, signal
 * pipes), the Parameter Store client's socket pool, a temp file, a lock and a directory per
 * destination during a commit, the pipes of an on_change command or of exec's child. So the health
 * server takes at most a quarter of the limit, and never more than 64: the rest stays for the
 * refresh path however many connections arrive. A refresh asked for over HTTP usually ends in well
 * under a second, but a throttled one can take minutes: its request waits a few seconds, then is
 * answered 202; and at most a quarter of the connections wait at once, so probes always get in.
 */
export function httpLimits(fdLimit: number | undefined): HttpLimits {
  const share = fdLimit === undefined ? 64 : Math.floor(fdLimit / 4);
  const maxConnections = Math.max(4, Math.min(64, share));
  return {
    maxConnections,
    headersTimeoutMs: 5_000,
    requestTimeoutMs: 10_000,
    keepAliveTimeoutMs: 5_000,
    idleTimeoutMs: 10_000,
    checkIntervalMs: 1_000,
    maxHeaderBytes: 8_192,
    refreshAnswerMs: 8_000,
    maxRefreshWaiting: Math.floor(maxConnections / 4),
  };
}
