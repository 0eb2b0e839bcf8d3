import { describe, expect, it } from 'vitest';
import { StderrTail, TAIL_BYTES, TAIL_LINES } from '../../../../src/output/check/stderr-tail';

describe('StderrTail', () => {
  it('keeps everything of a short stderr, without its trailing newline', () => {
    const tail = new StderrTail();
    tail.push(Buffer.from('a\n'));
    tail.push(Buffer.from('b\n\n'));
    expect(tail.text()).toBe('a\nb');
  });

  it('is empty for an empty or blank stderr', () => {
    const tail = new StderrTail();
    expect(tail.text()).toBe('');
    tail.push(Buffer.from('\n \n'));
    expect(tail.text()).toBe('');
  });

  it(`keeps the last ${TAIL_LINES} lines, marking the cut`, () => {
    const tail = new StderrTail();
    for (let i = 0; i < 30; i++) tail.push(Buffer.from(`${i}\n`));
    expect(tail.text()).toBe(['...', ...Array.from({ length: TAIL_LINES }, (_, i) => String(10 + i))].join('\n'));
  });

  it(`holds at most ${TAIL_BYTES} bytes however much is pushed`, () => {
    const tail = new StderrTail();
    for (let i = 0; i < 1000; i++) tail.push(Buffer.alloc(1000, 'x'));
    const text = tail.text();
    expect(text.startsWith('...\n')).toBe(true);
    expect(text.length).toBe(4 + TAIL_BYTES);
  });
});
