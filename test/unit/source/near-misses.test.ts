import type { ParameterStringFilter } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { ParameterNotFoundError } from '../../../src/errors';
import { nearMissFinder, withNearMisses } from '../../../src/source/near-misses';
import type { ParameterAdmin, ParameterInfo } from '../../../src/source/ssm-admin';

/** DescribeParameters over a list of names, with the Name Contains and Path Recursive filters the finder uses. */
function admin(names: string[], behaviour: { fail?: boolean; delayMs?: number } = {}) {
  const asked: ParameterStringFilter[][] = [];
  const describe = async (filters: readonly ParameterStringFilter[], options: { signal?: AbortSignal } = {}): Promise<ParameterInfo[]> => {
    asked.push([...filters]);
    if (behaviour.delayMs) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, behaviour.delayMs);
        options.signal?.addEventListener('abort', () => (clearTimeout(timer), reject(new Error('aborted'))));
      });
    }
    if (behaviour.fail) throw new Error('AccessDenied');
    const f = filters[0] as ParameterStringFilter;
    const value = f.Values?.[0] ?? '';
    const hits = names.filter((n) => (f.Key === 'Name' ? n.includes(value) : n.startsWith(`${value}/`)));
    return hits.map((name) => ({ name, type: 'String', version: 1, lastModified: undefined }));
  };
  return { admin: { describe } as unknown as ParameterAdmin, asked };
}

const layout = { prefix: '/ELASMETRICS', env: 'STAGING' };

describe('nearMissFinder', () => {
  it('ranks letter case, then other envs, then other prefixes; ignores unrelated names', async () => {
    const { admin: a } = admin([
      '/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD',
      '/ELASMETRICS/staging/mysql/password',
      '/OTHER/STAGING/MYSQL/PASSWORD',
      '/ELASMETRICS/DEV/MySQL/Password',
      '/ELASMETRICS/STAGING/MYSQL/USER',
    ]);
    const found = await nearMissFinder(a)({ names: ['/ELASMETRICS/STAGING/MYSQL/PASSWORD'], ...layout });
    expect(found).toEqual([
      '/ELASMETRICS/staging/mysql/password (letter case differs)',
      '/ELASMETRICS/DEV/MySQL/Password (ENV=DEV, letter case differs)',
      '/ELASMETRICS/PRODUCTION/MYSQL/PASSWORD (ENV=PRODUCTION)',
      '/OTHER/STAGING/MYSQL/PASSWORD (under /OTHER/STAGING/)',
    ]);
  });

  it('for an empty path, names the env-level paths that hold parameters', async () => {
    const { admin: a } = admin(['/ELASMETRICS/PRODUCTION/A', '/ELASMETRICS/PRODUCTION/B/C', '/ELASMETRICS/Staging/A', '/ELASMETRICS/LOOSE']);
    expect(await nearMissFinder(a)({ names: ['/ELASMETRICS/STAGING/'], ...layout })).toEqual([
      '/ELASMETRICS/PRODUCTION/ (ENV=PRODUCTION: 2 parameters)',
      '/ELASMETRICS/Staging/ (ENV=Staging, letter case differs: 1 parameter)',
    ]);
  });

  it('for an empty sub-path, the settings\' own env is named without "letter case differs"', async () => {
    const { admin: a } = admin(['/ELASMETRICS/STAGING/MYSQL/USER', '/ELASMETRICS/Staging/MYSQL/USER']);
    expect(await nearMissFinder(a)({ names: ['/ELASMETRICS/STAGING/REDIS/'], ...layout })).toEqual([
      '/ELASMETRICS/STAGING/ (ENV=STAGING: 1 parameter)',
      '/ELASMETRICS/Staging/ (ENV=Staging, letter case differs: 1 parameter)',
    ]);
  });

  it('reads the /<PREFIX>/<ENV>/ layout from the name when the settings do not cover it', async () => {
    const { admin: a } = admin(['/shared/PRODUCTION/API/TOKEN']);
    expect(await nearMissFinder(a)({ names: ['/shared/STAGING/API/TOKEN'], ...layout })).toEqual(['/shared/PRODUCTION/API/TOKEN (ENV=PRODUCTION)']);
  });

  it('gives nothing, quickly, when DescribeParameters fails or hangs; skips /aws/ references; caps what it shows', async () => {
    expect(await nearMissFinder(admin(['/ELASMETRICS/PRODUCTION/X'], { fail: true }).admin)({ names: ['/ELASMETRICS/STAGING/X'], ...layout })).toEqual([]);
    const started = performance.now();
    expect(
      await nearMissFinder(admin(['/ELASMETRICS/PRODUCTION/X'], { delayMs: 5_000 }).admin, { timeoutMs: 100 })({
        names: ['/ELASMETRICS/STAGING/X'],
        ...layout,
      }),
    ).toEqual([]);
    expect(performance.now() - started).toBeLessThan(1_000);
    const refs = admin([]);
    expect(await nearMissFinder(refs.admin)({ names: ['/aws/reference/secretsmanager/x'] })).toEqual([]);
    expect(refs.asked).toEqual([]);
    const many = admin(Array.from({ length: 9 }, (_, i) => `/ELASMETRICS/E${i}/X`));
    expect(await nearMissFinder(many.admin, { maxShown: 3 })({ names: ['/ELASMETRICS/STAGING/X'], ...layout })).toHaveLength(3);
  });

  it('withNearMisses leads the hint with them and keeps the message; without any, the error is unchanged', async () => {
    const error = new ParameterNotFoundError('Parameter not found: /P/E/X', ['/P/E/X'], { hint: 'check ENV' });
    const found = await withNearMisses(error, async () => ['/P/F/X (ENV=F)']);
    expect(found.message).toBe(error.message);
    expect(found.hint).toBe('similar names exist: /P/F/X (ENV=F); check ENV');
    expect(found.nearMisses).toEqual(['/P/F/X (ENV=F)']);
    expect(await withNearMisses(error, async () => [])).toBe(error);
    expect(await withNearMisses(error, async () => Promise.reject(new Error('x')))).toBe(error);
    expect(await withNearMisses(error, undefined)).toBe(error);
  });
});
