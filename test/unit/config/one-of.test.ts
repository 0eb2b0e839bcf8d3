import { describe, expect, it } from 'vitest';
import { oneOf, oneOfText } from '../../../src/config/one-of';
import { ConfigError, InvalidRequestError } from '../../../src/errors';

const caught = (run: () => unknown): Error => {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('oneOf', () => {
  it('returns a value of the set as it is', () => {
    expect(oneOf('--log-format', 'pretty', ['json', 'pretty'] as const)).toBe('pretty');
  });

  it('refuses anything else with a ConfigError naming the setting, the set and the value received', () => {
    const error = caught(() => oneOf('--log-format', 'Pretty', ['json', 'pretty']));
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).exitCode).toBe(2);
    expect(error.message).toBe('Expected `--log-format` to be one of json, pretty, got `Pretty`');
  });

  it('takes values of any type from JavaScript callers, and the error the caller names', () => {
    const error = caught(() => oneOf('tier', 42, ['Standard', 'Advanced'], (m) => new InvalidRequestError(m)));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error.message).toBe('Expected `tier` to be one of Standard, Advanced, got `42`');
  });

  it('words the set as the config file messages do', () => {
    expect(oneOfText(['a', 'b', 'c'])).toBe('one of a, b, c');
  });
});
