import { describe, expect, it } from 'vitest';
import { readValue } from '../../../src/cli/read-value';
import type { Input } from '../../../src/cli/stdin';
import { ConfigError } from '../../../src/errors';

const piped = (bytes: Buffer | string): Input => ({ isTTY: false, readAll: async () => Buffer.from(bytes), question: async () => 'unused' });

describe('readValue', () => {
  it.each([
    ['secret\n', 'secret'],
    ['secret', 'secret'],
    ['pem\n\n', 'pem\n'],
    ['a\r\n', 'a\r'],
    ['\n', ''],
    ['', ''],
    ['\uFEFFbom\n', '\uFEFFbom'],
  ])('%j -> %j (exactly one trailing newline removed)', async (input, value) => {
    expect(await readValue(piped(input), '/x')).toBe(value);
  });

  it('refuses bytes that are not UTF-8', async () => {
    await expect(readValue(piped(Buffer.from([0x61, 0xff, 0x0a])), '/x')).rejects.toThrow(ConfigError);
  });

  it('on a terminal asks for one hidden line', async () => {
    const asked: Array<[string, boolean | undefined]> = [];
    const tty: Input = { isTTY: true, readAll: async () => Buffer.alloc(0), question: async (prompt, o) => (asked.push([prompt, o?.hidden]), 'typed') };
    expect(await readValue(tty, '/P/X')).toBe('typed');
    expect(asked).toEqual([['Value for /P/X (not shown): ', true]]);
  });
});
