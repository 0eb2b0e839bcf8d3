import * as z from 'zod/mini';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/config';
import { formatIssues } from '../../../src/config/issues';
import { checkConfig } from '../../../src/config/load-file';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

describe('formatIssues, deeper in the file', () => {
  it('names a refused key of a nested mapping with the full path of the mapping that holds it', () => {
    const schema = z.strictObject({ outer: z.strictObject({ inner: z.record(z.string().check(z.regex(/^[A-Z]+$/)), z.string()) }) });
    const result = schema.safeParse({ outer: { inner: { lower: 'x' } } }, { reportInput: true });
    if (result.success) expect.fail('expected a refusal');
    expect(formatIssues(result.error.issues, () => [])).toEqual(['Expected the key `lower` in `outer.inner` to be text matching /^[A-Z]+$/']);
  });

  it('suggests a known key only when the unknown one is close to it', () => {
    expect(checkConfig({ regioxyz: 'x' }).problems).toEqual(['Unknown key `regioxyz`']);
    expect(checkConfig({ regionx: 'x' }).problems).toEqual(['Unknown key `regionx` (did you mean `region`?)']);
  });

  it('suggests the keys of the mapping that holds the unknown one: an optional mapping, a list entry', () => {
    expect(checkConfig({ watch: { intervall: '5m' } }).problems).toEqual(['Unknown key `watch.intervall` (did you mean `interval`?)']);
    expect(checkConfig({ exec: { kill_timeot: '5s' } }).problems).toEqual(['Unknown key `exec.kill_timeot` (did you mean `kill_timeout`?)']);
    expect(checkConfig({ templates: [{ format: 'dotenv', destination: 'a.env', modee: '0600' }] }).problems).toEqual([
      'Unknown key `templates[0].modee` (did you mean `mode`?)',
    ]);
  });
});

describe('resolveConfig refusals', () => {
  it('says how to name a destination whose language it cannot tell', () => {
    const s = scratch();
    try {
      s.write('ssm-render.yaml', 'prefix: /P\nenv: E\ntemplates:\n  - { source: a.hbs, destination: app.conf }\n');
      let error: unknown;
      try {
        resolveConfig({ flags: {}, env: {}, cwd: s.dir });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).hint).toBe(
        'name the file .env, .sh, .yaml, .json or .properties, or set `escape:` to dotenv, shell, yaml, json, properties or none',
      );
    } finally {
      s.cleanup();
    }
  });
});
