import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { findDuplicateKey } from '../../../src/config/duplicate-keys';

const duplicateIn = (text: string) => {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: false, lineCounter: lines });
  return findDuplicateKey(doc.contents, lines);
};

describe('findDuplicateKey', () => {
  it('finds none in a document whose mappings each name a key once', () => {
    expect(
      duplicateIn('env: A\nwatch: { interval: 5m }\ntemplates:\n  - { format: json, destination: a }\n  - { format: json, destination: b }\n'),
    ).toBeUndefined();
    expect(duplicateIn('')).toBeUndefined();
    expect(duplicateIn('just text')).toBeUndefined();
  });

  it('names a top-level key set twice and both its lines', () => {
    expect(duplicateIn('env: A\nregion: x\nenv: B\n')).toEqual({ path: 'env', line: 3, firstLine: 1 });
  });

  it('names the full path of a key repeated in a nested mapping, a list item or a flow mapping', () => {
    expect(duplicateIn('watch:\n  interval: 5m\n  jitter: 0.1\n  interval: 1m\n')).toEqual({ path: 'watch.interval', line: 4, firstLine: 2 });
    expect(duplicateIn('templates:\n  - format: json\n    destination: a\n  - format: json\n    destination: b\n    format: yaml\n')).toEqual({
      path: 'templates[1].format',
      line: 6,
      firstLine: 4,
    });
    expect(duplicateIn('{"defaults": {"values": {"A": {"B": 1, "B": 2}}}}')).toEqual({ path: 'defaults.values.A.B', line: 1, firstLine: 1 });
  });

  it('counts keys that become the same text as one key (`1` and `"1"` land on the same property)', () => {
    expect(duplicateIn('parameters:\n  1: /a\n  "1": /b\n')).toEqual({ path: 'parameters.1', line: 3, firstLine: 2 });
  });

  it('allows the same key in sibling mappings', () => {
    expect(duplicateIn('a: { x: 1 }\nb: { x: 1 }\nc: [ { x: 1 }, { x: 2 } ]\n')).toBeUndefined();
  });

  it('checks a mapping of 40,000 keys in one pass', { timeout: 60_000 }, () => {
    const text = `parameters:\n${Array.from({ length: 40_000 }, (_, i) => `  K${i}: /a/K${i}\n`).join('')}  K39999: /again\n`;
    const started = performance.now();
    expect(duplicateIn(text)).toEqual({ path: 'parameters.K39999', line: 40_002, firstLine: 40_001 });
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});
