import { describe, expect, it } from 'vitest';
import { checkEnvironment, DEFAULT_PATH } from '../../../../src/output/check/environment';

describe('checkEnvironment', () => {
  it('takes PATH, HOME, LANG, LC_ALL, TZ and TMPDIR, and nothing else', () => {
    const from = {
      PATH: '/bin',
      HOME: '/root',
      LANG: 'C.UTF-8',
      LC_ALL: 'C',
      TZ: 'UTC',
      TMPDIR: '/tmp',
      MYSQL_PASSWORD: 'pw',
      AWS_SECRET_ACCESS_KEY: 'k',
      SSM_RENDER_CONFIG: 'x',
    };
    expect(checkEnvironment(from, () => false)).toEqual({ PATH: '/bin', HOME: '/root', LANG: 'C.UTF-8', LC_ALL: 'C', TZ: 'UTC', TMPDIR: '/tmp' });
  });

  it('gives a PATH when there is none', () => {
    expect(checkEnvironment({}, () => false)).toEqual({ PATH: DEFAULT_PATH });
  });

  it('leaves out a variable whose text is a parameter value', () => {
    expect(checkEnvironment({ PATH: '/bin', HOME: 'CANARY-home-value' }, (text) => text.startsWith('CANARY'))).toEqual({ PATH: '/bin' });
  });
});
