import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/log';

describe('Redactor', () => {
  it('replaces a secret that holds another whole, also JSON-escaped, and skips short plain values', () => {
    const r = new Redactor();
    r.add([
      { value: 'pw-1', secure: true },
      { value: 'pw-1-and-more', secure: true },
      { value: 'plain', secure: false },
    ]);
    expect(r.redact('a pw-1-and-more b pw-1 c plain')).toBe('a [REDACTED] b [REDACTED] c plain');
    r.add([{ value: 'q"uote', secure: true }]);
    expect(r.redact(JSON.stringify({ msg: 'x q"uote y' }))).toBe('{"msg":"x [REDACTED] y"}');
  });

  it('keeps every value it has seen, in the same order, when a refresh adds the same values again', () => {
    const r = new Redactor();
    const values = [{ value: 'old-secret', secure: true }];
    r.add(values);
    r.add(values);
    r.add([{ value: 'new-secret-longer', secure: true }]);
    r.add(values);
    expect(r.redact('old-secret new-secret-longer')).toBe('[REDACTED] [REDACTED]');
  });

  it('leaves no secret in a line, raw or JSON-escaped, whatever characters it holds', () => {
    // No character of the alphabet is in '[REDACTED]' or in the JSON around the values, so any
    // occurrence of a secret in the output is one the redactor missed.
    const secret = fc.string({ unit: fc.constantFrom('x', 'y', '"', '\\', '\n', '\u0001', 'é', '\ud83d'), minLength: 4, maxLength: 12 });
    fc.assert(
      fc.property(fc.uniqueArray(secret, { minLength: 1, maxLength: 6 }), fc.constantFrom(' ', 'x', ''), (secrets, glue) => {
        const r = new Redactor();
        r.add(secrets.map((value) => ({ value, secure: true })));
        const out = r.redact(`${secrets.join(glue)} ${JSON.stringify({ msg: secrets.join(glue) })}`);
        for (const s of secrets) {
          expect(out).not.toContain(s);
          expect(out).not.toContain(JSON.stringify(s).slice(1, -1));
        }
      }),
      { numRuns: 300 },
    );
  });
});
