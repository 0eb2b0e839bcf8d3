import { describe, expect, it } from 'vitest';
import { bareProblem, hasPythonVariable } from '../../../../src/render/formats/dotenv-rules';
import { run } from '../../../support/parsers/tools';

// Every character Python's str.isspace or JavaScript's trim treats as whitespace.
function whitespaceOfBothParsers(): string[] {
  const python = run('/usr/bin/python3', ['-c', 'import sys; print(",".join(str(c) for c in range(0x110000) if chr(c).isspace()))']);
  const fromPython = python
    .toString('utf8')
    .trim()
    .split(',')
    .map((code) => String.fromCodePoint(Number(code)));
  const fromJs: string[] = [];
  for (let code = 0; code <= 0xffff; code++) if (String.fromCharCode(code).trim() === '') fromJs.push(String.fromCharCode(code));
  return [...new Set([...fromPython, ...fromJs])];
}

describe('bareProblem', () => {
  it('accepts one line with no #, no leading quote and no whitespace at either end', () => {
    expect(bareProblem('\\\\server\\share "x" \'y\' `z` $HOME=1')).toBeUndefined();
  });

  it('refuses leading or trailing whitespace as either parser trims it', () => {
    const spaces = whitespaceOfBothParsers();
    expect(spaces.length).toBeGreaterThan(25);
    for (const space of spaces) {
      expect(bareProblem(`${space}x`), `U+${space.charCodeAt(0).toString(16)}`).toBeDefined();
      expect(bareProblem(`x${space}`), `U+${space.charCodeAt(0).toString(16)}`).toBeDefined();
    }
  });

  it.each(['', 'a\nb', 'a\rb', 'a\u2028b', 'a\u2029b', 'a#b', "'a", '"a', '`a'])('refuses %j', (value) => {
    expect(bareProblem(value)).toBeDefined();
  });
});

describe('hasPythonVariable', () => {
  it.each(['${X}', '${X:-}', '${X:-d e}', '${}', '${:-$}', 'a${b}c'])('finds %s', (value) => {
    expect(hasPythonVariable(value)).toBe(true);
  });

  it.each(['$X', '${X', '$ {X}', '${X:y}', '${X:y:-z}', '{X}'])('ignores %s, which python-dotenv leaves alone', (value) => {
    expect(hasPythonVariable(value)).toBe(false);
  });
});
