import { describe, expect, it } from 'vitest';
import { ANY_DURATION, CALL_SPACING, checkDuration, durationFlag, parseDuration, POSITIVE_DURATION } from '../../../src/config/duration';
import { ConfigError } from '../../../src/errors';

const flagError = (text: string, rule = CALL_SPACING): ConfigError => {
  try {
    durationFlag('--interval', text, 0, rule);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected an error');
};

describe('parseDuration', () => {
  it('reads every unit, decimals and sums of parts', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('0.0004s')).toBe(0);
  });

  it('refuses what is not a whole duration', () => {
    for (const text of ['', '30', 's', '-5s', '5 s', '5S', '5sec', 'x5s', '5s ', '1.s', '.5s', '5w']) expect(parseDuration(text), text).toBeUndefined();
  });
});

describe('checkDuration', () => {
  it('returns the milliseconds of a duration inside the bounds, both bounds included', () => {
    expect(checkDuration('1s', CALL_SPACING)).toEqual({ ms: 1_000 });
    expect(checkDuration('0s', ANY_DURATION)).toEqual({ ms: 0 });
    expect(checkDuration('1ms', POSITIVE_DURATION)).toEqual({ ms: 1 });
    expect(checkDuration('20d', ANY_DURATION)).toEqual({ ms: 20 * 86_400_000 });
  });

  it('says what was expected otherwise', () => {
    expect(checkDuration('999ms', CALL_SPACING)).toEqual({ expected: 'at least `1s`' });
    expect(checkDuration('0s', POSITIVE_DURATION)).toEqual({ expected: 'at least `1ms`' });
    // Beyond what a Node timer holds, a wait fires at once: `30d` would loop without pause.
    expect(checkDuration('20d1ms', ANY_DURATION)).toEqual({ expected: 'at most `20d`' });
    expect(checkDuration('30d', CALL_SPACING)).toEqual({ expected: 'at most `20d`' });
    expect(checkDuration('soon', ANY_DURATION)).toEqual({ expected: 'a duration such as `30s` or `5m`' });
    expect(checkDuration(30, ANY_DURATION)).toEqual({ expected: 'a duration such as `30s` or `5m`' });
  });
});

describe('durationFlag', () => {
  it('takes the fallback when the flag is absent, and the flag when it is valid', () => {
    expect(durationFlag('--wait', undefined, 60_000, ANY_DURATION)).toBe(60_000);
    expect(durationFlag('--wait', '0s', 60_000, ANY_DURATION)).toBe(0);
    expect(durationFlag('--interval', '2m', 0, CALL_SPACING)).toBe(120_000);
  });

  it('names the flag, what it expects and the text as written', () => {
    expect(flagError('0s').message).toBe('Expected `--interval` to be at least `1s`, got `0s`');
    expect(flagError('500ms').message).toBe('Expected `--interval` to be at least `1s`, got `500ms`');
    expect(flagError('30d').message).toBe('Expected `--interval` to be at most `20d`, got `30d`');
    expect(flagError('5x', ANY_DURATION).message).toBe('Expected `--interval` to be a duration such as `30s` or `5m`, got `5x`');
    expect(flagError('0s').exitCode).toBe(2);
  });
});
