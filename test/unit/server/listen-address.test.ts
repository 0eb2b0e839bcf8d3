import { describe, expect, it } from 'vitest';
import { parseListen } from '../../../src/server/listen-address';

describe('parseListen', () => {
  it.each([
    ['127.0.0.1:9090', { host: '127.0.0.1', port: 9090 }],
    [':9090', { host: '0.0.0.0', port: 9090 }],
    ['9090', { host: '0.0.0.0', port: 9090 }],
    ['[::1]:0', { host: '::1', port: 0 }],
  ])('%s', (text, expected) => expect(parseListen(text)).toEqual(expected));

  it('names the flag and the value on a bad address', () => {
    expect(() => parseListen('localhost:http')).toThrow(/Expected `--listen` to be HOST:PORT .*got `localhost:http`/);
    expect(() => parseListen('1.2.3.4:70000')).toThrow(/70000/);
  });
});
