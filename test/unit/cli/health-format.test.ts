import { describe, expect, it } from 'vitest';
import { formatHealthText, summarize } from '../../../src/cli/health-format';

const settings = [{ name: 'ENV', value: 'STAGING', from: 'ENV (environment)' }];

describe('health report', () => {
  it("exit 0 only when every check passed; 2 when a failure is the configuration's, else 3", () => {
    expect(summarize(false, settings, [{ check: 'a', status: 'ok', detail: 'x' }]).exitCode).toBe(0);
    expect(summarize(false, settings, [{ check: 'a', status: 'fail', detail: 'x', exitCode: 3 }]).exitCode).toBe(3);
    expect(
      summarize(false, settings, [
        { check: 'a', status: 'fail', detail: 'x', exitCode: 3 },
        { check: 'b', status: 'fail', detail: 'y', exitCode: 2 },
      ]).exitCode,
    ).toBe(2);
    expect(summarize(false, settings, [{ check: 'a', status: 'skip', detail: 'x' }]).exitCode).toBe(0);
  });

  it('prints settings with their origins, one line per check, hints under failures, and a verdict', () => {
    const text = formatHealthText(
      summarize(false, settings, [
        { check: 'region', status: 'ok', detail: 'eu-west-1' },
        { check: 'required', status: 'fail', detail: 'A: missing', hint: 'create it', exitCode: 3 },
      ]),
    );
    expect(text).toBe(
      'settings:\n  ENV  STAGING  ENV (environment)\nchecks:\n' +
        '  ok    region    eu-west-1\n' +
        '  FAIL  required  A: missing\n' +
        '                  hint: create it\n' +
        'unhealthy: 1 of 2 checks failed (exit 3)\n',
    );
  });
});
