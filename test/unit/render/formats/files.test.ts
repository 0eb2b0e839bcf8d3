import { describe, expect, it } from 'vitest';
import { RenderError } from '../../../../src/errors';
import { filesOf } from '../../../../src/render/formats/files';

const CANARY = 'CANARY-files-unit';
const entry = (key: string, value: string) => ({ key, envName: key.replace(/\W/g, '_'), value });
const t = (include: string[] | undefined, decode: Record<string, 'base64'> = {}) => ({
  destination: '/secrets/tls',
  include,
  decode: new Map(Object.entries(decode)),
});

describe('filesOf (format: files)', () => {
  it('names each included key below its include: prefix, the longest one, and leaves the rest out', () => {
    const entries = [entry('TLS/CERT', 'c'), entry('TLS/SUB/KEY', 'k'), entry('TLSX/A', 'no'), entry('DB/PASSWORD', 'no'), entry('TLS/SUB/DEEP/X', 'x')];
    expect(filesOf(t(['TLS', 'TLS/SUB/DEEP']), entries).map((f) => [f.key, f.name])).toEqual([
      ['TLS/CERT', 'CERT'],
      ['TLS/SUB/KEY', 'SUB/KEY'],
      ['TLS/SUB/DEEP/X', 'X'],
    ]);
  });

  it('uses the whole key without include:, and an empty name for a key equal to its prefix (refused by the commit)', () => {
    expect(filesOf(t(undefined), [entry('A/B', 'v')]).map((f) => f.name)).toEqual(['A/B']);
    expect(filesOf(t(['TLS']), [entry('TLS', 'v')]).map((f) => f.name)).toEqual(['']);
  });

  it('writes a value as its UTF-8 bytes, and a decode: key as the decoded bytes', () => {
    const [text, binary] = filesOf(t(['TLS'], { 'TLS/KEYSTORE': 'base64' }), [entry('TLS/CERT', 'é\n'), entry('TLS/KEYSTORE', 'AP8A/w==')]);
    expect(text?.content.equals(Buffer.from('é\n'))).toBe(true);
    expect([...(binary?.content ?? [])]).toEqual([0, 255, 0, 255]);
  });

  it('refuses invalid base64 naming the key and the directory, never the value', () => {
    const value = `${CANARY}!`;
    let error: unknown;
    try {
      filesOf(t(['TLS'], { 'TLS/KEYSTORE': 'base64' }), [entry('TLS/KEYSTORE', value)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).exitCode).toBe(4);
    expect((error as RenderError).message).toMatch(/`TLS\/KEYSTORE` is not valid base64 .*\/secrets\/tls/);
    expect(`${(error as RenderError).message} ${(error as RenderError).hint}`).not.toContain(CANARY);
  });
});
