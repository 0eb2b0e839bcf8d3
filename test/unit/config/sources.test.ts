import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/config/config';
import { ConfigError } from '../../../src/errors';
import { scratch } from '../../support/tmp';

let dirs: Array<ReturnType<typeof scratch>> = [];
afterEach(() => {
  dirs.forEach((d) => d.cleanup());
  dirs = [];
});

function resolveYaml(yaml: string, env: Record<string, string> = {}) {
  const s = scratch();
  dirs.push(s);
  s.write('ssm-render.yaml', yaml);
  return resolveConfig({ flags: { config: 'ssm-render.yaml' }, env, cwd: s.dir });
}
function messageOf(yaml: string, env: Record<string, string> = {}): string {
  try {
    resolveYaml(yaml, env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('sources: absent', () => {
  it('is the one path /<prefix>/<env>/, then `parameters:` as a names source', () => {
    const config = resolveYaml('prefix: /APP\nenv: STAGING\nparameters: { CA: /shared/tls/ca }\n');
    expect(config.layered).toBe(false);
    expect(config.sources.map((s) => [s.path, s.names && Object.fromEntries(s.names), s.index])).toEqual([
      ['/APP/STAGING/', undefined, undefined],
      [undefined, { CA: '/shared/tls/ca' }, undefined],
    ]);
  });

  it('is the path alone without `parameters:`', () => {
    expect(resolveYaml('prefix: /APP\nenv: STAGING\n').sources.map((s) => s.path)).toEqual(['/APP/STAGING/']);
  });
});

describe('sources: given', () => {
  const layered = [
    'prefix: /ELASMETRICS',
    'sources:',
    '  - path: /ELASMETRICS/COMMON',
    '  - path: "{prefix}/{env}/"',
    '    expand_json: [DB]',
    '  - names: { CA_BUNDLE: "/shared/{env}/ca:2" }',
    '  - path: /SECURITY/{env}/',
    '    key_prefix: SECURITY',
    '    region: eu-west-1',
    '    fallback_region: eu-central-1',
    '    endpoint_url: http://127.0.0.1:1',
    '    fallback_endpoint_url: http://127.0.0.1:2',
  ].join('\n');

  it('keeps the list order, substitutes {env} and {prefix}, and ends each path with /', () => {
    const config = resolveYaml(layered, { ENV: 'STAGING' });
    expect(config.layered).toBe(true);
    expect(config.sources.map((s) => [s.label, s.index, s.path ?? Object.fromEntries(s.names ?? [])])).toEqual([
      ['sources[0]', 0, '/ELASMETRICS/COMMON/'],
      ['sources[1]', 1, '/ELASMETRICS/STAGING/'],
      ['sources[2]', 2, { CA_BUNDLE: '/shared/STAGING/ca:2' }],
      ['sources[3]', 3, '/SECURITY/STAGING/'],
    ]);
    expect(config.sources[1]?.expandJson).toEqual(['DB']);
    expect(config.sources[3]?.keyPrefix).toBe('SECURITY');
  });

  it("gives each source its own region and endpoint, the fallback site inheriting the primary's region", () => {
    const config = resolveYaml(layered, { ENV: 'STAGING', AWS_REGION: 'us-east-1' });
    const [common, , , security] = config.sources;
    expect(common?.primary.region?.value).toBe('us-east-1');
    expect(common?.fallback).toBeUndefined();
    expect(security?.primary.region?.value).toBe('eu-west-1');
    expect(security?.primary.endpoint?.value).toBe('http://127.0.0.1:1');
    expect(security?.fallback?.region?.value).toBe('eu-central-1');
    expect(security?.fallback?.endpoint?.value).toBe('http://127.0.0.1:2');
    expect(security?.fallback?.region?.from).toContain('sources[3].fallback_region');
  });

  it('refuses `parameters:` beside `sources:`', () => {
    expect(messageOf('prefix: /P\nenv: E\nparameters: { A: /a }\nsources: [{ path: /P/E/ }]\n')).toContain('both `parameters:` and `sources:`');
  });

  it('refuses a placeholder that is not one, naming the setting', () => {
    expect(messageOf('prefix: /P\nenv: E\nsources: [{ path: "/P/{ENV}/" }]\n')).toContain('`sources[0].path` `/P/{ENV}/` holds the placeholder `{ENV}`');
  });

  it('refuses a source with both or neither of `path` and `names`', () => {
    expect(messageOf('prefix: /P\nenv: E\nsources: [{ path: /a/, names: { A: /b } }]\n')).toContain('exactly one of `path`');
    expect(messageOf('prefix: /P\nenv: E\nsources: [{ key_prefix: A }]\n')).toContain('exactly one of `path`');
  });

  it('refuses an unknown key, an empty list, `external_id` without `role_arn`, and a role ARN that is not one', () => {
    expect(messageOf('prefix: /P\nenv: E\nsources: [{ path: /a/, regoin: eu-west-1 }]\n')).toContain('regoin');
    expect(messageOf('prefix: /P\nenv: E\nsources: []\n')).toContain('at least one source');
    expect(messageOf('prefix: /P\nenv: E\nsources: [{ path: /a/, external_id: abc }]\n')).toContain('`role_arn` that `external_id` is sent with');
    expect(messageOf('prefix: /P\nenv: E\nsources: [{ path: /a/, role_arn: "arn:aws:iam::111111111111:user/x" }]\n')).toContain('IAM role ARN');
  });

  it('refuses a path that is not one once substituted', () => {
    expect(messageOf('prefix: /P\nenv: E\nsources: [{ path: "P/{env}/" }]\n')).toContain('`sources[0].path`');
  });
});
