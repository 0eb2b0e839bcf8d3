import { createHmac } from 'node:crypto';

// The header bytes of a KMS ciphertext blob, so the result looks like what AWS returns.
const KMS_HEADER = Buffer.from([0x01, 0x02, 0x02, 0x00, 0x78]);

/** What a SecureString's value looks like without decryption: derived from the key, name and version, never the value. */
export function ciphertext(key: Buffer, name: string, version: number): string {
  const blocks = [0, 1, 2, 3, 4].map((i) => createHmac('sha256', key).update(`${name}\0${version}\0${i}`).digest());
  return Buffer.concat([KMS_HEADER, ...blocks]).toString('base64');
}
