import { describe, expect, it } from 'vitest';
import { resolveName, resolvePath } from '../../../src/cli/name-arguments';
import { resolveSettings } from '../../../src/config/settings';
import { ConfigError } from '../../../src/errors';

const settings = (env: Record<string, string>) => resolveSettings({ flags: {}, env, cwd: '/nonexistent', requirePath: false });
const known = settings({ PARAMETER_STORE_PREFIX: '/ELASMETRICS', ENV: 'STAGING' });
const unknown = settings({});

describe('resolveName and resolvePath', () => {
  it('a name starting with / is full; anything else is relative to /<prefix>/<env>/', () => {
    expect(resolveName('/A/B', known, 'read')).toBe('/A/B');
    expect(resolveName('MYSQL/PASSWORD', known, 'read')).toBe('/ELASMETRICS/STAGING/MYSQL/PASSWORD');
    expect(resolveName('NEW_PARAM', known, 'write')).toBe('/ELASMETRICS/STAGING/NEW_PARAM');
    expect(resolveName('/A/B', unknown, 'read')).toBe('/A/B');
    expect(() => resolveName('MYSQL/PASSWORD', unknown, 'read')).toThrow(/relative to \/<prefix>\/<env>\//);
    expect(() => resolveName('/A B', known, 'read')).toThrow(ConfigError);
  });

  it('paths end with / and default to /<prefix>/<env>/', () => {
    expect(resolvePath(undefined, known)).toBe('/ELASMETRICS/STAGING/');
    expect(resolvePath('MYSQL', known)).toBe('/ELASMETRICS/STAGING/MYSQL/');
    expect(resolvePath('MYSQL/', known)).toBe('/ELASMETRICS/STAGING/MYSQL/');
    expect(resolvePath('/X', unknown)).toBe('/X/');
    expect(resolvePath('/', unknown)).toBe('/');
    expect(() => resolvePath(undefined, unknown)).toThrow(/No path to list/);
  });
});
