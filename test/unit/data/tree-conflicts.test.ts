import { describe, expect, it } from 'vitest';
import { buildTree, TreeConflictError } from '../../../src/data/tree';

const thrown = (fn: () => unknown): TreeConflictError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TreeConflictError);
    return e as TreeConflictError;
  }
  return expect.fail('expected a TreeConflictError');
};
const entries = (...keys: string[]) => keys.map((key) => ({ key, value: 'v' }));

describe('buildTree conflicts', () => {
  it('name the deep key that holds a value and the key below it, with their own code, exit 4 and what to do', () => {
    const error = thrown(() => buildTree(entries('APP/DB', 'APP/DB/HOST/NAME')));
    expect(error.message).toBe('Key `APP/DB` holds a value and is also the parent of `APP/DB/HOST/NAME`');
    expect(error.code).toBe('KEY_CONFLICT');
    expect(error.exitCode).toBe(4);
    expect(error.hint).toBe(
      'nested output (YAML, JSON, {{A.B}} in templates) cannot hold both: rename one parameter, or give it another key with `parameters:`',
    );
  });
});
