import fc from 'fast-check';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+LQmlQ\nYx2eqzDV+xeG+kvS4wIDAQAB\n-----END PRIVATE KEY-----';

// Pieces that break naive escapers: quotes, expansions, escapes written as text, line breaks,
// Unicode oddities, and strings YAML 1.1 or 1.2 would read as something else.
const TRICKY = [
  "'", '"', '`', '$', '$X', '${X}', '${X:-y}', '${}', '${X:y}', '$(id)', '!', '#', ' #', '# c', '\\', '\\\\',
  '\\n', '\\r', '\\t', '\\"', "\\'", '\\$', '\\u0041', '=', ':', ': ', ' ', '  ', '\t', '\n', '\r', '\r\n',
  '\n\n', '\v', '\f', '\x1b', '\x07', '\x08', '\x1c', '\x7f', '\x85', '\x9f', '\u00a0', '\u2028', '\u2029',
  '\ufeff', '\ufffe', '\uffff', '\u200b', 'e\u0301', '\u{1F600}', '\u{1D518}', '\u{10FFFF}', '\u0000',
  'yes', 'No', 'on', 'OFF', 'y', 'N', '~', 'null', 'true', '0755', '0o17', '1e3', '.inf', '-.nan', '0x1F',
  '12:30:00', '2001-12-14', '- a', '? x', '&a', '*a', '!tag', '%YAML', '---', '...', '[a]', '{a: 1}', '|', '>',
  '<<', '@', '%', '&', '*', ',', '[', ']', '{', '}', 'export ', 'KEY=', '\\\\server\\share', 'C:\\Users\\x',
  'C:\\dir\\', PEM, `${PEM}\n`, '{"a":"b\\n"}', '{"a":"b\\\\n"}', 'a\\nb',
];

// Short runs over the characters that quoting and escaping rules are about, densely mixed.
const DENSE = ["'", '"', '`', '\\', '\n', '\r', '$', '{', '}', '#', ' ', '\t', 'a', 'n', 'r', 'u', ':', '-', '=', '!', '\u2028'];

const piece = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...DENSE), maxLength: 8 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
);

/** One value: a few pieces joined; well-formed Unicode, NUL possible but rare. */
export const anyValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 12, arbitrary: fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('', PEM, `${PEM}\n`) },
);

/** A whole file's worth of values, so each external reader runs once per property run. */
export const valueBatch: fc.Arbitrary<string[]> = fc.array(anyValue, { minLength: 30, maxLength: 200 });

/** Key paths for the nested formats: segments from identifiers to anything, joined with `/`. */
const segment = fc.oneof(
  fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/),
  fc.constantFrom('yes', 'No', 'on', 'Y', 'n', 'NULL', 'true', '1', '0x1F', '~', '-', '__proto__', 'a.b', 'a b', '', ' '),
  anyValue.filter((s) => !s.includes('/')),
);
export const keyPath: fc.Arbitrary<string> = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
