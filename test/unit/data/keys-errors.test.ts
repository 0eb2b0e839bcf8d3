import { describe, expect, it } from 'vitest';
import { assignEnvNames, KeyCollisionError } from '../../../src/data/keys';

const thrown = (fn: () => unknown): KeyCollisionError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KeyCollisionError);
    return e as KeyCollisionError;
  }
  return expect.fail('expected a KeyCollisionError');
};

describe('assignEnvNames refusals', () => {
  it('carry their own code, exit 4, and say what to do', () => {
    const digit = thrown(() => assignEnvNames(['9LIVES']));
    expect(digit.code).toBe('KEY_COLLISION');
    expect(digit.exitCode).toBe(4);
    expect(digit.hint).toBe('rename the parameter, or map it to another key with `parameters:` in the config file');
    const twice = thrown(() => assignEnvNames(['db-host', 'DB_HOST']));
    expect(twice.message).toBe('Keys `db-host` and `DB_HOST` both become the environment variable `DB_HOST`');
    expect(twice.hint).toBe('rename one of the parameters; ssm-render never lets one silently replace the other');
  });
});
