import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64, InvalidBase64 } from '../../../../src/render/formats/base64';

const reasonOf = (text: string): string => {
  try {
    decodeBase64(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidBase64);
    return (error as InvalidBase64).reason;
  }
  throw new Error(`decoded ${text}`);
};

describe('decodeBase64', () => {
  it('decodes standard padded base64 to the exact bytes, NUL and 0xFF included', () => {
    for (let n = 0; n < 70; n++) {
      const bytes = randomBytes(n);
      expect(decodeBase64(bytes.toString('base64')).equals(bytes)).toBe(true);
    }
    expect([...decodeBase64('AP8A/w==')]).toEqual([0, 255, 0, 255]);
    expect(decodeBase64('').length).toBe(0);
  });

  it.each([
    ['a character outside the alphabet', 'QUJD*EVG', /character 5 is outside the base64 alphabet/],
    ['the URL-safe alphabet', 'AP8A_w==', /character 5 is outside/],
    ['a line break', 'QUJD\nREVG', /character 5 is outside/],
    ['a space', 'QUJD REVG', /character 5 is outside/],
    ['missing padding', 'QUI', /length \(3\) is not a multiple of 4/],
    ['a cut value', 'QUJDRA', /not a multiple of 4/],
    ['padding in the middle', 'QQ==QUJD', /`=` appears other than/],
    ['three padding characters', 'Q===', /`=` appears other than/],
    ['bits the last character carries beyond the bytes', 'QR==', /not canonical/],
  ])('refuses %s, which Buffer.from would accept or bend, without quoting the text', (_, text, reason) => {
    expect(reasonOf(text)).toMatch(reason);
    expect(reasonOf(text)).not.toContain(text);
  });
});
