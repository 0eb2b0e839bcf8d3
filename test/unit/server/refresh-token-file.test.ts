import { chmodSync, mkdirSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors';
import { readRefreshToken, type TokenFileWorld } from '../../../src/server/refresh-token-file';
import { scratch } from '../../support/tmp';

const TOKEN = 'CANARY-token-5d1f0a9e7b3c2e8f4a6d';
const FLAG = '--refresh-token-file';

let dir: ReturnType<typeof scratch>;
beforeEach(() => (dir = scratch()));
afterEach(() => dir.cleanup());

function tokenFile(content: string, mode: number): string {
  const file = dir.write('token', content);
  chmodSync(file, mode);
  return file;
}

/** The error reading `file` gives, checked to be a ConfigError (exit 2) that does not quote the file's content. */
function refusal(file: string, world?: TokenFileWorld): ConfigError {
  try {
    readRefreshToken(file, FLAG, world);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const { message, hint } = error as ConfigError;
    expect(message).toContain(file);
    expect(message).toContain(FLAG);
    expect(`${message} ${hint}`).not.toContain('CANARY');
    return error as ConfigError;
  }
  throw new Error('expected the token file to be refused');
}

describe('readRefreshToken', () => {
  it('reads the one line of a file only its owner can read, surrounding whitespace removed', () => {
    expect(readRefreshToken(tokenFile(`  ${TOKEN}\n`, 0o600), FLAG)).toBe(TOKEN);
    expect(readRefreshToken(tokenFile(`${TOKEN}\r\n`, 0o400), FLAG)).toBe(TOKEN);
  });

  it.each([0o644, 0o604, 0o602, 0o666])('refuses a file others can read or write (mode %o)', (mode) => {
    const error = refusal(tokenFile(TOKEN, mode));
    expect(error.message).toMatch(/open to other users \(mode 0\d{3}\)/);
    expect(error.hint).toMatch(/chmod 600/);
  });

  it('refuses a file of ours that its group can read', () => {
    const error = refusal(tokenFile(TOKEN, 0o640));
    expect(error.message).toMatch(/open to its group \(mode 0640\)/);
  });

  it('accepts a group-readable file owned by someone else: the group is how we read it (a Secret volume with fsGroup)', () => {
    const file = tokenFile(TOKEN, 0o440);
    const owner = statSync(file).uid;
    const world: TokenFileWorld = { stat: (p) => statSync(p), read: () => TOKEN, uid: owner + 1 };
    expect(readRefreshToken(file, FLAG, world)).toBe(TOKEN);
  });

  it('names a missing file and a directory, never reading either', () => {
    expect(refusal(dir.path('absent')).message).toMatch(/Cannot read the refresh token file .*absent.* \(ENOENT\)/);
    mkdirSync(dir.path('a-dir'), { mode: 0o700 });
    expect(refusal(dir.path('a-dir')).message).toMatch(/is not a regular file/);
  });

  it.each([
    ['empty', '\n', /is empty/],
    ['too short to be secret', 'CANARY-short', /has 12 characters; at least 16 are needed/],
    ['two words', `${TOKEN} ${TOKEN}`, /must hold one token/],
    ['two lines', `${TOKEN}\n${TOKEN}`, /must hold one token/],
    ['not ASCII', `${TOKEN}é`, /must hold one token/],
    ['far larger than a token', `CANARY${'x'.repeat(5_000)}`, /holds 5006 bytes, more than a token/],
  ])('refuses a file that is %s, without quoting it', (_what, content, expected) => {
    expect(refusal(tokenFile(content, 0o600)).message).toMatch(expected);
  });
});
