import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/config/settings';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

let dirs: Array<ReturnType<typeof scratch>> = [];
afterEach(() => {
  dirs.forEach((d) => d.cleanup());
  dirs = [];
});
function project(files: Record<string, string> = {}) {
  const s = scratch();
  dirs.push(s);
  for (const [name, content] of Object.entries(files)) s.write(name, content);
  return s;
}
const thrown = (fn: () => unknown): ConfigError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  return expect.fail('expected a ConfigError');
};

describe('resolveSettings: where each setting comes from', () => {
  it('without any setting outside local mode, a command on full names still runs, with no path known', () => {
    const s = resolveSettings({ flags: {}, env: {}, cwd: project().dir, requirePath: false });
    expect(s.prefix).toEqual({ value: '', from: 'default' });
    expect(s.env).toEqual({ value: '', from: 'default' });
    expect(s.pathKnown).toBe(false);
    expect(s.configFile).toBeUndefined();
    expect(s.local).toEqual({ value: false, from: 'default' });
    expect(s.useParameterStore).toEqual({ value: true, from: 'default' });
    expect(s.localDevMode).toEqual({ value: false, from: 'default' });
    expect(s.region).toBeUndefined();
    expect(s.endpoint).toBeUndefined();
  });

  it('knows the path once both the prefix and the env are set, wherever each comes from', () => {
    const p = project({ 'ssm-render.yaml': 'env: STAGING\n' });
    const s = resolveSettings({ flags: {}, env: { PARAMETER_STORE_PREFIX: '/APP/' }, cwd: p.dir });
    expect(s.prefix).toEqual({ value: '/APP', from: 'PARAMETER_STORE_PREFIX (environment)' });
    expect(s.env.from).toBe(`env (config file ${p.path('ssm-render.yaml')})`);
    expect(s.pathKnown).toBe(true);
    expect(s.configFile).toBe(p.path('ssm-render.yaml'));
    expect(s.baseDir).toBe(p.dir);
  });

  it('a prefix of / alone is the root', () => {
    const s = resolveSettings({ flags: { prefix: '/', env: 'DEV' }, env: {}, cwd: project().dir });
    expect(s.path).toBe('/DEV/');
  });

  it('names a prefix that cannot be a parameter path, and where it came from', () => {
    const error = thrown(() => resolveSettings({ flags: { prefix: '/MY APP', env: 'DEV' }, env: {}, cwd: project().dir }));
    expect(error.message).toBe('Expected the prefix to be a path such as `/ELASMETRICS`, got `/MY APP` (from --prefix)');
    expect(error.hint).toBe('parameter names may hold only letters, digits and _ . - /');
  });

  it('names an ENV that cannot be one level of the path', () => {
    const error = thrown(() => resolveSettings({ flags: {}, env: { PARAMETER_STORE_PREFIX: '/P', ENV: 'a/b' }, cwd: project().dir }));
    expect(error.message).toBe('Expected ENV to be a name such as `STAGING`, got `a/b` (from ENV (environment))');
    expect(error.hint).toBe('ENV is one level of the parameter path: letters, digits, _ . - only');
  });

  it('says what sets a missing prefix, and a missing env', () => {
    const cwd = project().dir;
    const prefix = thrown(() => resolveSettings({ flags: {}, env: { ENV: 'STAGING' }, cwd }));
    expect(prefix.message).toBe('No Parameter Store prefix is set');
    expect(prefix.hint).toMatch(/^set PARAMETER_STORE_PREFIX/);
    const env = thrown(() => resolveSettings({ flags: {}, env: { PARAMETER_STORE_PREFIX: '/P' }, cwd }));
    expect(env.message).toBe('No environment is set, so the parameter path is unknown');
    expect(env.hint).toMatch(/^set ENV/);
  });

  it('reads .env.<env> for the env in lower case, under the real environment, over .env', () => {
    const p = project({ '.env': 'ENV=Staging\nPARAMETER_STORE_PREFIX=/P\nA=base\nB=base\nC=base\n', '.env.staging': 'A=specific\nB=specific\n' });
    const s = resolveSettings({ flags: {}, env: { B: 'process' }, cwd: p.dir });
    expect(s.envFiles).toEqual(['.env.staging', '.env']);
    expect(s.environment).toMatchObject({ A: 'specific', B: 'process', C: 'base' });
  });

  it('finds the config file named in .env, relative to the working directory', () => {
    const p = project({ '.env': 'SSM_RENDER_CONFIG=conf/app.yaml\n', 'conf/app.yaml': 'prefix: /P\nenv: QA\n' });
    const s = resolveSettings({ flags: {}, env: {}, cwd: p.dir });
    expect(s.configFile).toBe(p.path('conf/app.yaml'));
    expect(s.path).toBe('/P/QA/');
  });

  it('stays out of local mode when LOCAL_DEV_MODE is false and USE_PARAMETER_STORE is true', () => {
    const s = resolveSettings({
      flags: {},
      env: { LOCAL_DEV_MODE: 'false', USE_PARAMETER_STORE: 'true', PARAMETER_STORE_PREFIX: '/P', ENV: 'E' },
      cwd: project().dir,
    });
    expect(s.local).toEqual({ value: false, from: 'default' });
    expect(s.useParameterStore).toEqual({ value: true, from: 'USE_PARAMETER_STORE (environment)' });
    expect(resolveSettings({ flags: {}, env: { USE_PARAMETER_STORE: 'no' }, cwd: project().dir }).local).toEqual({
      value: true,
      from: 'USE_PARAMETER_STORE (environment)',
    });
  });

  it('takes the endpoint and the region from the config file last, saying so', () => {
    const p = project({ 'ssm-render.yaml': 'prefix: /P\nenv: E\nendpoint: http://localhost:4566\nregion: eu-west-3\n' });
    const file = `config file ${p.path('ssm-render.yaml')}`;
    const s = resolveSettings({ flags: {}, env: {}, cwd: p.dir });
    expect(s.endpoint).toEqual({ value: 'http://localhost:4566', from: `endpoint (${file})` });
    expect(s.region).toEqual({ value: 'eu-west-3', from: `region (${file})` });
    expect(resolveSettings({ flags: {}, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' }, cwd: p.dir }).endpoint?.value).toBe('http://localhost:4566');
    expect(resolveSettings({ flags: { endpointUrl: 'http://flag' }, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, cwd: p.dir }).endpoint).toEqual({
      value: 'http://flag',
      from: '--endpoint-url',
    });
  });
});
