import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, Redactor } from '../../../src/log';
import { noMetrics } from '../../../src/metrics';
import { realClock, type Clock } from '../../../src/clock';
import type { RefreshResult } from '../../../src/runner/refresher';
import { Wake } from '../../../src/runner/wake';
import type { RenderOutcome } from '../../../src/runner/render-once';
import { RefreshRequests, type RefreshTicket } from '../../../src/runner/refresh-requests';
import { firstRender, refreshCycle, REQUEST_SPACING_MS, watchLoop, type LoopDeps } from '../../../src/runner/watch-loop';
import { WatchState } from '../../../src/runner/watch-state';
import { AccessDeniedError, RenderError, ServiceError, ThrottledError } from '../../../src/errors';
import { CheckFailedError } from '../../../src/output/check/check-error';

const watch = { intervalMs: 60_000, jitter: 0.1, maxStaleMs: undefined, backoffMs: 5_000, discoveryInterval: 10 };

/** A loop whose refresh takes `tookMs` of the clock's time and then gives `result` (or throws it). */
async function loop(tookMs: number, result: RefreshResult | Error): Promise<LoopDeps> {
  let now = 1_000_000;
  const clock: Clock = { now: () => now, sleep: async (ms) => void (now += ms) };
  const refresher = {
    refresh: async () => {
      now += tookMs;
      if (result instanceof Error) throw result;
      return result;
    },
  };
  return {
    refresher,
    watch,
    clock,
    stop: new AbortController().signal,
    wake: new Wake(),
    state: new WatchState(now, undefined),
    log: await createLogger({ level: 'silent', format: 'json', redactor: new Redactor() }),
    metrics: noMetrics,
    random: () => 0.5, // no jitter: the interval itself
  };
}

describe('refreshCycle', () => {
  it('runs the interval from the start of one refresh to the start of the next', async () => {
    expect(await refreshCycle(await loop(0, { kind: 'unchanged' }), async () => undefined, 'timer')).toBe(60_000);
    // A refresh slowed down by throttling retries: the next one still starts one interval after it started.
    expect(await refreshCycle(await loop(7_000, { kind: 'unchanged' }), async () => undefined, 'timer')).toBe(53_000);
    expect(await refreshCycle(await loop(90_000, { kind: 'unchanged' }), async () => undefined, 'timer')).toBe(0);
  });

  it('backs off from the end of a failed refresh, not from its start', async () => {
    const failed = new ServiceError('Parameter Store is throttling', { hint: 'wait' });
    expect(await refreshCycle(await loop(30_000, failed), async () => undefined, 'timer')).toBe(3_750); // 5 s * (0.5 + 0.5 * 0.5)
  });
});

/** `random` that returns each of `values` in turn, then fails the test if asked again. */
function draws(...values: number[]): () => number {
  const left = [...values];
  return () => {
    const next = left.shift();
    if (next === undefined) throw new Error('random() asked more often than expected');
    return next;
  };
}

/** A loop on virtual time whose sleeps are recorded; each refresh takes no time and gives `results` in turn. */
async function recorded(results: Array<RefreshResult | Error>, random: () => number, timing: Partial<typeof watch> = {}) {
  let now = 0;
  const sleeps: number[] = [];
  const clock: Clock = { now: () => now, sleep: async (ms) => void (sleeps.push(ms), (now += ms)) };
  const deps: LoopDeps = {
    refresher: {
      refresh: async () => {
        const result = results.shift() ?? { kind: 'unchanged' };
        if (result instanceof Error) throw result;
        return result;
      },
    },
    watch: { ...watch, ...timing },
    clock,
    stop: new AbortController().signal,
    wake: new Wake(),
    state: new WatchState(now, undefined),
    log: await createLogger({ level: 'silent', format: 'json', redactor: new Redactor() }),
    metrics: noMetrics,
    random,
  };
  return { deps, sleeps };
}

const rendered = (): RefreshResult => ({ kind: 'rendered', outcome: { written: [], unchanged: [], data: { entries: new Map() } } as unknown as RenderOutcome });
const throttled = () => new ThrottledError('Parameter Store throttled GetParametersByPath after 8 attempts');
const denied = () =>
  new AccessDeniedError('Access denied: ssm:GetParametersByPath on /APP/PROD/', 'ssm:GetParametersByPath', 'arn:aws:ssm:*:*:parameter/APP/PROD');

describe('refreshCycle: jitter', () => {
  it('spreads the next interval by the jitter (not the plain interval) after a good refresh', async () => {
    expect(await refreshCycle((await recorded([], () => 0)).deps, async () => undefined, 'timer')).toBe(54_000);
    expect(await refreshCycle((await recorded([], () => 1)).deps, async () => undefined, 'timer')).toBe(66_000);
    expect(await refreshCycle((await recorded([], () => 0.25)).deps, async () => undefined, 'timer')).toBe(57_000);
  });

  it('jitters the backoff after a retryable failure: between half and all of it', async () => {
    expect(await refreshCycle((await recorded([throttled()], () => 0)).deps, async () => undefined, 'timer')).toBe(2_500);
    expect(await refreshCycle((await recorded([throttled()], () => 1)).deps, async () => undefined, 'timer')).toBe(5_000);
  });

  it('reads `retryable`: after a failure that will not pass by itself, waits a jittered interval instead of backing off', async () => {
    expect(await refreshCycle((await recorded([denied()], () => 0)).deps, async () => undefined, 'timer')).toBe(54_000);
    expect(await refreshCycle((await recorded([denied()], () => 1)).deps, async () => undefined, 'timer')).toBe(66_000);
  });
});

describe('refreshCycle: a refused check', () => {
  const refused = () => new CheckFailedError('Check `nginx` of /etc/nginx/app.conf failed: exit code 1', '/etc/nginx/app.conf', 'nginx', 'exit code 1');

  it('says so in the state (for /readyz) and the metric, waits an interval (no hot loop), and a good refresh clears it', async () => {
    const { deps } = await recorded([refused(), rendered()], () => 0.5);
    const counted: string[] = [];
    const withMetrics = { ...deps, metrics: { ...noMetrics, checkFailure: (d: string) => void counted.push(d) } };
    expect(await refreshCycle(withMetrics, async () => undefined, 'timer')).toBe(60_000);
    expect(deps.state.checkFailure).toBe('check failed for /etc/nginx/app.conf (`nginx`: exit code 1)');
    expect(deps.state.lastErrorCode).toBe('CHECK_FAILED');
    expect(counted).toEqual(['/etc/nginx/app.conf']);
    await refreshCycle(withMetrics, async () => undefined, 'timer');
    expect(deps.state.checkFailure).toBeUndefined();
  });

  it('other failures leave it unset', async () => {
    const { deps } = await recorded([denied()], () => 0.5);
    await refreshCycle(deps, async () => undefined, 'timer');
    expect(deps.state.checkFailure).toBeUndefined();
  });
});

describe('watchLoop: jitter', () => {
  it('sleeps a random point of the first interval, then a freshly jittered interval each cycle, and backs off with jitter', async () => {
    const { deps, sleeps } = await recorded([{ kind: 'unchanged' }, { kind: 'unchanged' }, throttled(), throttled()], draws(0.25, 0, 1, 0.5, 0, 0.5));
    await watchLoop(deps, async () => undefined, 5);
    expect(sleeps).toEqual([45_000, 54_000, 66_000, 3_750, 5_000]);
  });
});

describe('firstRender', () => {
  afterEach(() => vi.useRealTimers());

  /**
   * A first render on the real clock under fake timers. Each refresh takes `tookMs`, then gives the
   * next of `results` (or throws it); when its signal aborts first, it throws `onAbort(signal)`, as
   * the SDK client does with a call cut short. The loop's own sleeps are recorded.
   */
  async function timed(
    results: Array<RefreshResult | Error>,
    options: { tookMs?: number; random?: () => number; onAbort?: (signal: AbortSignal) => Error } = {},
  ) {
    vi.useFakeTimers({ now: 0 });
    const sleeps: number[] = [];
    let calls = 0;
    const base = (await recorded([], options.random ?? (() => 1))).deps;
    const deps: LoopDeps = {
      ...base,
      clock: { now: realClock.now, sleep: (ms, signal) => (sleeps.push(ms), realClock.sleep(ms, signal)) },
      refresher: {
        refresh: (signal?: AbortSignal) =>
          new Promise<RefreshResult>((resolve, reject) => {
            calls += 1;
            const timer = setTimeout(() => {
              const result = results.shift() ?? throttled();
              if (result instanceof Error) reject(result);
              else resolve(result);
            }, options.tookMs ?? 0);
            const onAbort = options.onAbort ?? (() => throttled());
            signal?.addEventListener('abort', () => (clearTimeout(timer), reject(onAbort(signal))), { once: true });
          }),
      },
    };
    // The first sleep is the --wait deadline itself.
    return { deps, loopSleeps: () => sleeps.slice(1), calls: () => calls };
  }

  it('retries AWS errors with the same jittered backoff as the loop, capped at 30 s', async () => {
    const { deps, loopSleeps } = await timed([...Array.from({ length: 7 }, throttled), rendered()], { random: draws(0, 1, 0, 1, 0.5, 1, 0) });
    const result = firstRender({ ...deps, watch: { ...watch, intervalMs: 300_000 } }, 600_000);
    let done: RenderOutcome | undefined;
    void result.then((outcome) => (done = outcome));
    await vi.advanceTimersByTimeAsync(600_000);
    expect(done).toBeDefined();
    expect(loopSleeps()).toEqual([2_500, 10_000, 10_000, 30_000, 22_500, 30_000, 15_000]);
  });

  it('throws config, render and write errors at once, and any error when there is no time to wait', async () => {
    const render = new RenderError('Missing key DB.PASSWORD');
    const failed = firstRender((await timed([render])).deps, 60_000).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await failed).toBe(render);
    const error = throttled();
    const once = await timed([error]);
    const thrown = firstRender(once.deps, 0).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(0);
    expect(await thrown).toBe(error);
    expect(once.calls()).toBe(1);
  });

  /** Advance fake time by `ms`, then tell what `promise` settled with (its value or error), or that it is still pending. */
  async function settledAfter(promise: Promise<unknown>, ms: number): Promise<unknown> {
    let outcome: unknown = 'still pending';
    void promise.then(
      (value) => (outcome = value),
      (error: unknown) => (outcome = error),
    );
    await vi.advanceTimersByTimeAsync(ms);
    return outcome;
  }

  it('--wait cuts short the call in flight and throws what it ended with', async () => {
    const { deps, calls } = await timed([], { tookMs: 60_000 });
    expect(await settledAfter(firstRender(deps, 8_000), 8_000)).toBeInstanceOf(ThrottledError);
    expect(Date.now()).toBe(8_000);
    expect(calls()).toBe(1);
  });

  it('--wait cuts short the backoff sleep and throws the last error', async () => {
    const { deps, calls } = await timed([], { tookMs: 1_000 });
    // 1 s call, then a 5 s backoff: cut at 4 s.
    expect(await settledAfter(firstRender(deps, 4_000), 4_000)).toBeInstanceOf(ThrottledError);
    expect(calls()).toBe(1);
  });

  it('--wait cutting short something else (a render) throws the last AWS error, or says --wait ran out', async () => {
    const earlier = await timed([], { tookMs: 1_000, onAbort: (signal) => signal.reason as Error });
    expect(await settledAfter(firstRender({ ...earlier.deps, watch: { ...watch, backoffMs: 1_000 } }, 2_500), 2_500)).toBeInstanceOf(ThrottledError);
    expect(earlier.calls()).toBe(2);

    const none = await timed([], { tookMs: 60_000, onAbort: (signal) => signal.reason as Error });
    expect(await settledAfter(firstRender(none.deps, 3_000), 3_000)).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      exitCode: 3,
      message: 'The first render did not finish within --wait (3s)',
    });
  });

  it('a stop ends it quietly', async () => {
    const stop = new AbortController();
    const { deps } = await timed([], { tookMs: 60_000, onAbort: () => Object.assign(new Error('aborted'), { name: 'AbortError' }) });
    const result = firstRender({ ...deps, stop: stop.signal }, 8_000);
    await vi.advanceTimersByTimeAsync(1_000);
    stop.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(await result).toBeUndefined();
  });
});

describe('watchLoop: refreshes asked for over HTTP', () => {
  const changed = (...written: string[]): RefreshResult => ({
    kind: 'rendered',
    outcome: { written, unchanged: [], data: { entries: new Map() } } as unknown as RenderOutcome,
  });

  /** A loop on virtual time whose refresh `i` runs `during[i]` (if any) and then gives `results[i]`. */
  async function asked(results: Array<RefreshResult | Error>, during: Array<(() => void) | undefined> = []) {
    const { deps: base, sleeps } = await recorded([], () => 0.5);
    const reasons: string[] = [];
    const discovered: boolean[] = [];
    const requests = new RefreshRequests(base.wake);
    let i = 0;
    const deps: LoopDeps = {
      ...base,
      requests,
      log: { ...base.log, debug: (fields: { reason?: string }) => void reasons.push(String(fields.reason)) } as unknown as LoopDeps['log'],
      refresher: {
        refresh: async (_signal, options) => {
          discovered.push(options?.discover === true);
          const n = i++;
          during[n]?.();
          const result = results[n] ?? { kind: 'unchanged' };
          if (result instanceof Error) throw result;
          return result;
        },
      },
    };
    return { deps, requests, sleeps, refreshes: () => i, reasons, discovered };
  }

  it('a request cuts the wait short, and its refresh answers with the files it changed, after on_change ran', async () => {
    const { deps, requests, sleeps } = await asked([{ kind: 'unchanged' }, changed('/secrets/app.env')]);
    let ticket: RefreshTicket | undefined;
    const outcomesSeenByOnChange: unknown[] = [];
    // The first refresh is the timer's; a request arrives during it, so the next starts at once (past the spacing).
    deps.refresher.refresh = ((original) => async (signal?: AbortSignal) => {
      const result = await original(signal);
      ticket ??= requests.request();
      return result;
    })(deps.refresher.refresh.bind(deps.refresher));
    await watchLoop(deps, async () => void outcomesSeenByOnChange.push(ticket?.outcome), 2);
    expect(sleeps).toEqual([30_000, REQUEST_SPACING_MS]); // the first wait: a random point (0.5) of the first interval
    expect(outcomesSeenByOnChange).toEqual([undefined]);
    expect(await ticket?.done).toEqual({ status: 'changed', files: ['/secrets/app.env'] });
  });

  it('a burst during one refresh is one more refresh, started no sooner than the spacing after the last', async () => {
    let burst: RefreshTicket[] = [];
    const { deps, requests, sleeps, refreshes } = await asked([], [() => (burst = Array.from({ length: 100 }, () => requests.request()))]);
    await watchLoop(deps, async () => undefined, 3);
    expect(new Set(burst).size).toBe(1);
    expect(await burst[0]?.done).toEqual({ status: 'unchanged' });
    expect(refreshes()).toBe(3);
    // Timer, then the burst's refresh one spacing later, then a full interval: no third refresh for the burst.
    expect(sleeps).toEqual([30_000, REQUEST_SPACING_MS, 60_000]);
  });

  it('a request waiting when the wait ends needs no spacing when the last refresh is long past', async () => {
    const { deps, requests, sleeps, reasons, discovered } = await asked([]);
    const ticket = requests.request();
    await watchLoop(deps, async () => undefined, 1);
    expect(sleeps).toEqual([]);
    expect(reasons).toEqual(['request']);
    // Whoever asks has usually just written a parameter, maybe a new one: the path is listed.
    expect(discovered).toEqual([true]);
    expect(await ticket.done).toEqual({ status: 'unchanged' });
  });

  it('a failed refresh answers with the code, the hint and whether it may pass, never the message', async () => {
    const { deps, requests } = await asked([denied()]);
    const ticket = requests.request();
    await watchLoop(deps, async () => undefined, 1);
    const outcome = await ticket.done;
    expect(outcome).toMatchObject({ status: 'failed', code: 'ACCESS_DENIED', retryable: false });
    expect(JSON.stringify(outcome)).not.toContain('/APP/PROD/');
  });

  it('a timer refresh reports to nobody, and a SIGHUP alone is a signal, not a request', async () => {
    const { deps, requests, reasons, discovered } = await asked([]);
    deps.wake.trigger();
    await watchLoop(deps, async () => undefined, 2);
    expect(reasons).toEqual(['signal', 'timer']);
    expect(discovered).toEqual([false, false]);
    expect(requests.waiting).toBe(false);
  });
});
