import { describe, expect, it } from 'vitest';
import { dotenvFormat } from '../../../../src/render/formats/dotenv';
import type { Entry } from '../../../../src/render/formats/types';
import { Unrepresentable } from '../../../../src/render/formats/types';

const entries: Entry[] = [
  { key: 'MYSQL/PASSWORD', envName: 'MYSQL_PASSWORD', value: "it's" },
  { key: 'MYSQL/USER', envName: 'MYSQL_USER', value: 'app' },
];

describe('dotenv document', () => {
  it('writes ENV_NAME=<scalar> lines in the order given, portable by default', () => {
    expect(dotenvFormat().document(entries)).toBe(`MYSQL_PASSWORD="it's"\nMYSQL_USER='app'\n`);
  });

  it('uses the dialect for every line', () => {
    expect(dotenvFormat('python').document(entries)).toBe(`MYSQL_PASSWORD="it's"\nMYSQL_USER="app"\n`);
    expect(dotenvFormat('literal').document(entries)).toBe(`MYSQL_PASSWORD=it's\nMYSQL_USER=app\n`);
  });

  it('is empty for no entries', () => {
    expect(dotenvFormat().document([])).toBe('');
  });

  it('refuses the whole document when one value cannot be written', () => {
    const bad = [...entries, { key: 'X', envName: 'X', value: 'a${B}' }];
    expect(() => dotenvFormat().document(bad)).toThrow(Unrepresentable);
  });

  it.each(['portable', 'node', 'python', 'literal'] as const)('%s refuses NUL', (dialect) => {
    expect(() => dotenvFormat(dialect).scalar('a\0b')).toThrow(/NUL/);
  });
});
