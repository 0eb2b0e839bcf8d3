import { describe, expect, it } from 'vitest';
import { BeaconState, type BeaconStatus } from '../../../src/share/beacon-state';

const INTERVAL = 60_000;

function setup() {
  let now = 0;
  const changes: Array<Pick<BeaconStatus, 'mode' | 'reason'>> = [];
  const state = new BeaconState(
    INTERVAL,
    () => now,
    (s) => changes.push({ mode: s.mode, reason: s.reason }),
  );
  return { state, changes, advance: (ms: number) => (now += ms) };
}

const forbidden = { reason: 'forbidden' as const, detail: 'the Lease app: 403 Forbidden' };

describe('BeaconState', () => {
  it('follows at start, leads while it holds the lease, follows again when it loses it', () => {
    const { state, changes } = setup();
    expect(state.evaluate().mode).toBe('following');
    state.lease({ leader: true, holder: 'me' });
    state.lease({ leader: false, holder: 'other' });
    expect(changes).toEqual([{ mode: 'following' }, { mode: 'leader' }, { mode: 'following' }]);
    expect(state.status().holder).toBe('other');
  });

  it('polls on a Lease fault (RBAC, unreachable) and returns to following once the Lease answers', () => {
    const { state, changes } = setup();
    state.lease(forbidden);
    expect(state.status()).toEqual({ mode: 'polling', ...forbidden });
    state.lease({ reason: 'unreachable', detail: 'no answer' });
    state.lease({ leader: false, holder: 'other' });
    expect(changes).toEqual([{ mode: 'polling', reason: 'forbidden' }, { mode: 'polling', reason: 'unreachable' }, { mode: 'following' }]);
  });

  it('a Lease fault wins over leading: a pod that cannot reach the Lease cannot know it still leads', () => {
    const { state } = setup();
    state.lease({ leader: true, holder: 'me' });
    state.lease(forbidden);
    expect(state.status().mode).toBe('polling');
  });

  it('polls on a ConfigMap fault as a follower, but a leader keeps leading (its checks are its own)', () => {
    const { state } = setup();
    state.configMap({ reason: 'forbidden', detail: 'the ConfigMap: 403' });
    expect(state.status()).toMatchObject({ mode: 'polling', reason: 'forbidden' });
    state.lease({ leader: true, holder: 'me' });
    expect(state.status().mode).toBe('leader');
    state.lease({ leader: false, holder: 'other' });
    state.configMap(undefined);
    expect(state.status().mode).toBe('following');
  });

  it('polls once the ConfigMap has not moved for 3 intervals, and follows again when it moves', () => {
    const { state, advance, changes } = setup();
    state.evaluate();
    advance(3 * INTERVAL);
    expect(state.evaluate().mode).toBe('following');
    advance(1);
    expect(state.evaluate()).toMatchObject({ mode: 'polling', reason: 'stale' });
    state.moved();
    expect(changes).toEqual([{ mode: 'following' }, { mode: 'polling', reason: 'stale' }, { mode: 'following' }]);
    advance(2 * INTERVAL);
    expect(state.evaluate().mode).toBe('following');
  });

  it('reports each change once, however often it is evaluated', () => {
    const { state, changes } = setup();
    for (let i = 0; i < 5; i++) state.lease(forbidden);
    expect(changes).toEqual([{ mode: 'polling', reason: 'forbidden' }]);
  });
});
