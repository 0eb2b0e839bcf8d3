import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** The secret `Authorization: Bearer <token>` must carry. */
export class BearerToken {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /**
   * Whether an `Authorization` header carries the token. Both sides are compared as SHA-256 digests,
   * equal in length whatever was sent, so the time taken says nothing about the token, not even its
   * length.
   */
  accepts(header: string | undefined): boolean {
    const given = /^Bearer +(\S+) *$/i.exec(header ?? '')?.[1];
    const same = timingSafeEqual(digest(given ?? ''), this.expected);
    return given !== undefined && same;
  }
}
