/** Thrown by `decodeBase64` with what is wrong; it never holds the text. */
export class InvalidBase64 extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'InvalidBase64';
  }
}

const ALPHABET = /[^A-Za-z0-9+/=]/;

/**
 * Standard base64 (RFC 4648 section 4, padded) to bytes, strictly: Node's `Buffer.from(s, 'base64')`
 * skips characters outside the alphabet, accepts the URL-safe one and missing padding, so a damaged
 * value would become a damaged keystore. Here any of those, whitespace included, is refused.
 */
export function decodeBase64(text: string): Buffer {
  const bad = ALPHABET.exec(text);
  if (bad) throw new InvalidBase64(`character ${bad.index + 1} is outside the base64 alphabet (A-Z, a-z, 0-9, +, /, = at the end; no spaces or line breaks)`);
  if (text.length % 4 !== 0) throw new InvalidBase64(`its length (${text.length}) is not a multiple of 4: it is cut short or not padded with \`=\``);
  const padding = text.length - text.replace(/=+$/, '').length;
  if (padding > 2 || text.slice(0, text.length - padding).includes('='))
    throw new InvalidBase64('`=` appears other than as one or two padding characters at the end');
  const bytes = Buffer.from(text, 'base64');
  // Canonical: the bits the last character carries beyond the bytes must be zero.
  if (bytes.toString('base64') !== text) throw new InvalidBase64('its last character carries bits that encode nothing (not canonical base64)');
  return bytes;
}
