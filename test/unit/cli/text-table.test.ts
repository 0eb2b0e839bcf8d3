import { describe, expect, it } from 'vitest';
import { formatHealthText, summarize } from '../../../src/cli/health-format';
import { formatTable } from '../../../src/cli/ls-format';
import { textTable } from '../../../src/cli/text-table';

describe('textTable', () => {
  it('pads every column but the last to its widest cell, two spaces apart, with no trailing space', () => {
    expect(
      textTable([
        ['NAME', 'TYPE', 'VALUE'],
        ['/A/LONGER', 'String', ''],
        ['/B', 'SecureString', 'x'],
      ]),
    ).toBe('NAME       TYPE          VALUE\n' + '/A/LONGER  String\n' + '/B         SecureString  x\n');
  });

  it('puts the indent before each row', () => {
    expect(
      textTable(
        [
          ['ENV', 'STAGING', 'ENV (environment)'],
          ['AWS_REGION', 'eu-west-1', 'default'],
        ],
        '  ',
      ),
    ).toBe('  ENV         STAGING    ENV (environment)\n' + '  AWS_REGION  eu-west-1  default\n');
  });

  it('is the layout of both `ls` and `health-check`', () => {
    const ls = formatTable([{ name: '/P/E/LONG_NAME', key: 'LONG_NAME', type: 'String', version: 12 }], ['/P/E/SUB/'], { showValues: false, local: false });
    expect(ls).toBe(
      textTable([
        ['NAME', 'TYPE', 'VERSION', 'LAST MODIFIED'],
        ['/P/E/LONG_NAME', 'String', '12', '-'],
        ['/P/E/SUB/', 'path', '-', '-'],
      ]),
    );
    const settings = [
      { name: 'ENV', value: 'STAGING', from: 'ENV (environment)' },
      { name: 'PARAMETER_STORE_PREFIX', value: '/ELASMETRICS', from: 'default' },
    ];
    const health = formatHealthText(summarize(false, settings, [{ check: 'region', status: 'ok', detail: 'eu-west-1' }]));
    expect(
      health.startsWith(
        `settings:\n${textTable(
          settings.map((s) => [s.name, s.value, s.from]),
          '  ',
        )}checks:\n`,
      ),
    ).toBe(true);
  });
});
