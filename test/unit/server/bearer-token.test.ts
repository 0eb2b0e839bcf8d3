import { describe, expect, it } from 'vitest';
import { BearerToken } from '../../../src/server/bearer-token';

const TOKEN = '3f9c2b7d1e8a4c6f0b5d9e2a7c4f1b8d';

describe('BearerToken', () => {
  const token = new BearerToken(TOKEN);

  it('accepts `Bearer TOKEN`, the scheme in any case', () => {
    expect(token.accepts(`Bearer ${TOKEN}`)).toBe(true);
    expect(token.accepts(`bearer ${TOKEN}`)).toBe(true);
    expect(token.accepts(`BEARER  ${TOKEN} `)).toBe(true);
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['the bare token', TOKEN],
    ['another scheme', `Basic ${TOKEN}`],
    ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
    ['the token and more', `Bearer ${TOKEN}0`],
    ['the token and a second word', `Bearer ${TOKEN} x`],
    ['another case', `Bearer ${TOKEN.toUpperCase()}`],
    ['no token', 'Bearer '],
    ['the digest of the empty string', 'Bearer e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ])('refuses %s', (_what, header) => expect(token.accepts(header)).toBe(false));

  it('an empty token accepts nothing, not even an empty Bearer', () => {
    const empty = new BearerToken('');
    expect(empty.accepts('Bearer ')).toBe(false);
    expect(empty.accepts(undefined)).toBe(false);
  });
});
