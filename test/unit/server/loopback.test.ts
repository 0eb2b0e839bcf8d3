import { describe, expect, it } from 'vitest';
import { isLoopback } from '../../../src/server/loopback';
import { refreshAccess } from '../../../src/server/refresh-access';

describe('isLoopback', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is this machine only', (address) => expect(isLoopback(address)).toBe(true));

  it.each(['0.0.0.0', '::', '10.0.0.7', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', 'localhost', ''])(
    '%s is reachable from elsewhere (or not an address)',
    (address) => expect(isLoopback(address)).toBe(false),
  );
});

describe('refreshAccess', () => {
  it('a token is required wherever the server listens, once one is given', () => {
    expect(refreshAccess('t'.repeat(32), '127.0.0.1', '127.0.0.1:9090').kind).toBe('token');
    expect(refreshAccess('t'.repeat(32), '0.0.0.0', '0.0.0.0:9090').kind).toBe('token');
  });

  it('without a token: open on loopback, locked on an address other machines reach', () => {
    expect(refreshAccess(undefined, '127.0.0.1', '127.0.0.1:9090')).toEqual({ kind: 'loopback' });
    expect(refreshAccess(undefined, '::1', '[::1]:9090')).toEqual({ kind: 'loopback' });
    expect(refreshAccess(undefined, '0.0.0.0', '0.0.0.0:9090')).toEqual({ kind: 'locked', address: '0.0.0.0:9090' });
    expect(refreshAccess(undefined, '::', '[::]:9090')).toEqual({ kind: 'locked', address: '[::]:9090' });
  });
});
