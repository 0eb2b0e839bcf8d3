import { afterEach, describe, expect, it } from 'vitest';
import { resolveSettings } from '../../../src/config/settings';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

let dirs: Array<ReturnType<typeof scratch>> = [];
afterEach(() => {
  dirs.forEach((d) => d.cleanup());
  dirs = [];
});
function project(files: Record<string, string>) {
  const s = scratch();
  dirs.push(s);
  for (const [name, content] of Object.entries(files)) s.write(name, content);
  return s;
}

describe('resolveSettings', () => {
  it('takes flags over the environment over .env.<env> over .env over the config file', () => {
    const p = project({
      '.env': 'ENV=STAGING\nAWS_REGION=us-east-1\nPARAMETER_STORE_PREFIX=/FROM_DOTENV\n',
      '.env.staging': 'AWS_REGION=eu-central-1\n',
      'ssm-render.yaml': 'prefix: /FROM_FILE\nenv: PRODUCTION\nregion: ap-south-1\n',
    });
    const s = resolveSettings({ flags: {}, env: {}, cwd: p.dir });
    expect(s.env).toEqual({ value: 'STAGING', from: 'ENV (.env)' });
    expect(s.region).toEqual({ value: 'eu-central-1', from: 'AWS_REGION (.env.staging)' });
    expect(s.prefix.value).toBe('/FROM_DOTENV');
    expect(s.path).toBe('/FROM_DOTENV/STAGING/');
    expect(s.envFiles).toEqual(['.env.staging', '.env']);

    const withEnv = resolveSettings({ flags: {}, env: { AWS_REGION: 'eu-west-1', ENV: 'PRODUCTION' }, cwd: p.dir });
    expect(withEnv.region).toEqual({ value: 'eu-west-1', from: 'AWS_REGION (environment)' });
    expect(withEnv.env.from).toBe('ENV (environment)');

    const withFlags = resolveSettings({ flags: { region: 'sa-east-1', env: 'DEV', prefix: 'X' }, env: { AWS_REGION: 'eu-west-1' }, cwd: p.dir });
    expect(withFlags.region).toEqual({ value: 'sa-east-1', from: '--region' });
    expect(withFlags.path).toBe('/X/DEV/');
  });

  it('never lets a .env file override the real environment, and reads AWS_DEFAULT_REGION', () => {
    const p = project({ '.env': 'MYSQL_PASSWORD=from-file\nENV=STAGING\nPARAMETER_STORE_PREFIX=/P\n' });
    const s = resolveSettings({ flags: {}, env: { MYSQL_PASSWORD: 'from-env', AWS_DEFAULT_REGION: 'eu-west-2' }, cwd: p.dir });
    expect(s.environment['MYSQL_PASSWORD']).toBe('from-env');
    expect(s.region).toEqual({ value: 'eu-west-2', from: 'AWS_DEFAULT_REGION (environment)' });
  });

  it('falls back to the config file, normalising the prefix', () => {
    const p = project({ 'ssm-render.yaml': 'prefix: ELASMETRICS/\nenv: STAGING\nregion: eu-west-1\n' });
    const s = resolveSettings({ flags: {}, env: {}, cwd: p.dir });
    expect(s.prefix.value).toBe('/ELASMETRICS');
    expect(s.prefix.from).toMatch(/^prefix \(config file .*ssm-render\.yaml\)$/);
    expect(s.region?.value).toBe('eu-west-1');
  });

  it('turns on local dev mode from LOCAL_DEV_MODE, USE_PARAMETER_STORE=false or --local, without needing a prefix', () => {
    const p = project({});
    expect(resolveSettings({ flags: {}, env: { LOCAL_DEV_MODE: 'true' }, cwd: p.dir }).local).toEqual({ value: true, from: 'LOCAL_DEV_MODE (environment)' });
    expect(resolveSettings({ flags: {}, env: { USE_PARAMETER_STORE: 'false' }, cwd: p.dir }).local.value).toBe(true);
    expect(resolveSettings({ flags: { local: true }, env: {}, cwd: p.dir }).local.from).toBe('--local');
  });

  it('names the variable and the value of a bad boolean', () => {
    const p = project({ '.env': 'LOCAL_DEV_MODE=maybe\n' });
    expect(() => resolveSettings({ flags: {}, env: {}, cwd: p.dir })).toThrow(
      /Expected `LOCAL_DEV_MODE` to be true or false, got `maybe` \(from LOCAL_DEV_MODE \(.env\)\)/,
    );
  });

  it('requires a prefix and an env outside local mode, saying which variable sets them', () => {
    const p = project({});
    expect(() => resolveSettings({ flags: {}, env: { ENV: 'STAGING' }, cwd: p.dir })).toThrow(ConfigError);
    try {
      resolveSettings({ flags: {}, env: { PARAMETER_STORE_PREFIX: '/P' }, cwd: p.dir });
    } catch (e) {
      expect((e as ConfigError).hint).toMatch(/set ENV/);
    }
    expect(() => resolveSettings({ flags: {}, env: { PARAMETER_STORE_PREFIX: '/P', ENV: 'a b' }, cwd: p.dir })).toThrow(/got `a b`/);
  });

  it('resolves the endpoint from the flag, AWS_ENDPOINT_URL_SSM, AWS_ENDPOINT_URL, .env files, the config file', () => {
    const p = project({ '.env': 'AWS_ENDPOINT_URL=http://from-dotenv:4566\nENV=S\nPARAMETER_STORE_PREFIX=/P\n' });
    expect(resolveSettings({ flags: {}, env: {}, cwd: p.dir }).endpoint).toEqual({ value: 'http://from-dotenv:4566', from: 'AWS_ENDPOINT_URL (.env)' });
    expect(resolveSettings({ flags: {}, env: { AWS_ENDPOINT_URL: 'http://x' }, cwd: p.dir }).endpoint).toEqual({
      value: 'http://x',
      from: 'AWS_ENDPOINT_URL (environment)',
    });
    expect(resolveSettings({ flags: {}, env: { AWS_ENDPOINT_URL: 'http://x', AWS_ENDPOINT_URL_SSM: 'http://ssm' }, cwd: p.dir }).endpoint?.value).toBe(
      'http://ssm',
    );
    expect(resolveSettings({ flags: {}, env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, cwd: p.dir }).endpoint).toBeUndefined();
    expect(resolveSettings({ flags: { endpointUrl: 'http://flag' }, env: { AWS_ENDPOINT_URL: 'http://x' }, cwd: p.dir }).endpoint?.from).toBe('--endpoint-url');
  });

  it('reads the config named by SSM_RENDER_CONFIG and fails clearly when it is missing', () => {
    const p = project({ 'conf/custom.yaml': 'env: QA\nprefix: /P\n' });
    const s = resolveSettings({ flags: {}, env: { SSM_RENDER_CONFIG: 'conf/custom.yaml' }, cwd: p.dir });
    expect(s.env.value).toBe('QA');
    expect(s.baseDir).toBe(p.path('conf'));
    expect(() => resolveSettings({ flags: { config: 'nope.yaml' }, env: {}, cwd: p.dir })).toThrow(/Cannot read config file `.*nope\.yaml` \(ENOENT\)/);
  });
});
