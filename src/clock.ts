/** Time as the loop sees it; tests replace it to run a day of cycles in seconds. */
export interface Clock {
  now(): number;
  /** Wait `ms`, or less if `signal` aborts first; never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((done) => {
      if (signal.aborted) return done();
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        signal.removeEventListener('abort', finish);
        done();
      }
      signal.addEventListener('abort', finish, { once: true });
    }),
};
