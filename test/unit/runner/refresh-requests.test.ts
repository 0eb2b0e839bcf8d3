import { describe, expect, it } from 'vitest';
import { realClock } from '../../../src/clock';
import { RefreshRequests } from '../../../src/runner/refresh-requests';
import { Wake } from '../../../src/runner/wake';

const never = new AbortController().signal;
/** Whether `wake` was triggered since it was last slept on (a 0 ms sleep returns at once either way). */
const triggered = (wake: Wake) => wake.sleep(0, realClock, never);

describe('RefreshRequests', () => {
  it('requests made before a refresh starts share it, and wake the loop', async () => {
    const wake = new Wake();
    const requests = new RefreshRequests(wake);
    expect(requests.waiting).toBe(false);
    const first = requests.request();
    const second = requests.request();
    expect(second).toBe(first);
    expect(requests.waiting).toBe(true);
    expect(await triggered(wake)).toBe(true);

    const report = requests.claim();
    expect(report).toBeDefined();
    expect(requests.waiting).toBe(false);
    expect(first.outcome).toBeUndefined();
    report?.({ status: 'changed', files: ['/secrets/app.env'] });
    expect(await first.done).toEqual({ status: 'changed', files: ['/secrets/app.env'] });
    expect(first.outcome).toEqual({ status: 'changed', files: ['/secrets/app.env'] });
  });

  it('nobody asked: claim gives no report', () => {
    expect(new RefreshRequests(new Wake()).claim()).toBeUndefined();
  });

  it('a burst during a refresh asks for exactly one more, which the whole burst shares', async () => {
    const wake = new Wake();
    const requests = new RefreshRequests(wake);
    const before = requests.request();
    await triggered(wake);
    const report = requests.claim();
    const during = Array.from({ length: 50 }, () => requests.request());
    expect(new Set(during).size).toBe(1);
    expect(during[0]).not.toBe(before);
    expect(await triggered(wake)).toBe(true);
    report?.({ status: 'unchanged' });
    expect(before.outcome).toEqual({ status: 'unchanged' });
    expect(during[0]?.outcome).toBeUndefined();
    requests.claim()?.({ status: 'failed', code: 'THROTTLED', hint: 'wait', retryable: true });
    expect(during[0]?.outcome).toEqual({ status: 'failed', code: 'THROTTLED', hint: 'wait', retryable: true });
    expect(requests.claim()).toBeUndefined();
  });

  it('finds a request by its id while waiting, running and after, keeping the last 16 settled', () => {
    const requests = new RefreshRequests(new Wake());
    const first = requests.request();
    expect(requests.find(first.id)).toBe(first);
    const report = requests.claim();
    expect(requests.find(first.id)).toBe(first);
    report?.({ status: 'unchanged' });
    expect(requests.find(first.id)?.outcome).toEqual({ status: 'unchanged' });
    for (let i = 0; i < 16; i++) {
      requests.request();
      requests.claim()?.({ status: 'unchanged' });
    }
    expect(requests.find(first.id)).toBeUndefined();
    expect(requests.find(first.id + 1)).toBeDefined();
    expect(requests.find(999)).toBeUndefined();
  });

  it('a report given twice keeps the first outcome', () => {
    const requests = new RefreshRequests(new Wake());
    const ticket = requests.request();
    const report = requests.claim();
    report?.({ status: 'unchanged' });
    report?.({ status: 'stopped' });
    expect(ticket.outcome).toEqual({ status: 'unchanged' });
  });

  it('closing answers the running and the waiting request `stopped`, and every later one at once', async () => {
    const requests = new RefreshRequests(new Wake());
    const running = requests.request();
    requests.claim();
    const waiting = requests.request();
    requests.close();
    expect(await running.done).toEqual({ status: 'stopped' });
    expect(await waiting.done).toEqual({ status: 'stopped' });
    expect(requests.request().outcome).toEqual({ status: 'stopped' });
    expect(requests.waiting).toBe(false);
  });
});
