import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parseDockerfile, imageSpec } from './support/dockerfile';
import { podProblems } from './support/kubernetes-checks';
import { schemaProblems, unknownFieldProblems, type Manifest } from './support/kubernetes-schema';
import { byKind, kustomizationManifests, manifestFiles } from './support/kustomize';
import { obj, readRepoFile, yamlDocuments, type Json } from './support/repo';

// Every manifest under examples/kubernetes is checked three ways: against the Kubernetes API schema
// (kubernetes-models' JSON schema, generated from the API's OpenAPI document), for fields the API
// does not know (TypeScript's excess-property check on kubernetes-models' types), and for what the
// two patterns need (support/kubernetes-checks.ts). The init pattern runs for real in
// test/integration/pod.test.ts.
const DIR = 'examples/kubernetes';
const OVERLAYS = ['examples/kubernetes/init-container', 'examples/kubernetes/sidecar', 'examples/kubernetes/fleet', 'examples/kubernetes/tls-files'];
const WORKDIR = imageSpec(parseDockerfile(readRepoFile('Dockerfile'))).workdir ?? '';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

function overlay(dir: string) {
  const problems: string[] = [];
  const manifests = kustomizationManifests(dir, problems);
  const configMaps = new Map(byKind(manifests, 'ConfigMap').map((c) => [String(obj(c['metadata'])['name']), c] as const));
  const [deployment, ...others] = byKind(manifests, 'Deployment');
  expect(others).toEqual([]);
  return { problems, manifests, configMaps, deployment: deployment as Json, check: (d: Json) => podProblems(d, { where: dir, configMaps, workdir: WORKDIR }) };
}

describe('Kubernetes examples', () => {
  const { manifests: files, kustomizations } = manifestFiles(DIR);
  const all: Manifest[] = files.flatMap((file) => yamlDocuments(readRepoFile(file)).map((doc) => ({ where: file, doc })));

  it('are valid objects of the Kubernetes API (schema, then unknown fields)', () => {
    expect(all.map((m) => `${String(m.doc['kind'])} ${m.where}`)).toEqual([
      'ServiceAccount examples/kubernetes/base/serviceaccount.yaml',
      'Lease examples/kubernetes/fleet/beacon.yaml',
      'ConfigMap examples/kubernetes/fleet/beacon.yaml',
      'ConfigMap examples/kubernetes/fleet/configmap.yaml',
      'Deployment examples/kubernetes/fleet/deployment.yaml',
      'Role examples/kubernetes/fleet/rbac.yaml',
      'RoleBinding examples/kubernetes/fleet/rbac.yaml',
      'ConfigMap examples/kubernetes/init-container/configmap.yaml',
      'Deployment examples/kubernetes/init-container/deployment.yaml',
      'ConfigMap examples/kubernetes/sidecar/configmap.yaml',
      'Deployment examples/kubernetes/sidecar/deployment.yaml',
      'ConfigMap examples/kubernetes/tls-files/configmap.yaml',
      'Deployment examples/kubernetes/tls-files/deployment.yaml',
    ]);
    expect(all.flatMap(schemaProblems)).toEqual([]);
    expect(unknownFieldProblems(all)).toEqual([]);
  });

  it('are each part of a kustomization, whose resources all exist', () => {
    expect(kustomizations.sort()).toEqual(['examples/kubernetes/base', ...OVERLAYS].sort());
    const problems: string[] = [];
    const used = new Set(kustomizations.flatMap((k) => kustomizationManifests(k, problems).map((m) => m.where.replace(/#\d+$/, ''))));
    expect(problems).toEqual([]);
    expect(files.filter((f) => !used.has(f))).toEqual([]);
  });

  it.each(OVERLAYS)('%s: a hardened pod whose ssm-render reads its ConfigMap and writes only the in-memory emptyDir', (dir) => {
    const o = overlay(dir);
    expect(o.problems).toEqual([]);
    expect(o.check(o.deployment)).toEqual([]);
  });

  it('cover both patterns: a plain init container, and a native sidecar with probes and SIGHUP', () => {
    const init = obj(obj(obj(overlay(OVERLAYS[0] as string).deployment['spec'])['template'])['spec']);
    const sidecar = obj(obj(obj(overlay(OVERLAYS[1] as string).deployment['spec'])['template'])['spec']);
    expect(init['initContainers']).toEqual([expect.objectContaining({ name: 'ssm-render', args: ['render'] })]);
    expect(init['initContainers']).toEqual([expect.not.objectContaining({ restartPolicy: expect.anything() })]);
    expect(sidecar['initContainers']).toEqual([
      expect.objectContaining({ restartPolicy: 'Always', args: expect.arrayContaining(['watch', '--listen', '--ready-file']) }),
    ]);
    expect(sidecar['shareProcessNamespace']).toBe(true);
  });

  it('fail the checks when they are broken', () => {
    const init = overlay(OVERLAYS[0] as string);
    const sidecar = overlay(OVERLAYS[1] as string);
    const podOf = (d: Json) => obj(obj(obj(d['spec'])['template'])['spec']);
    const containerOf = (d: Json, kind: 'initContainers' | 'containers') => obj((podOf(d)[kind] as unknown[])[0]);

    const typo = copy(init.deployment);
    const security = obj(containerOf(typo, 'containers')['securityContext']);
    delete security['readOnlyRootFilesystem'];
    security['readOnlyRootFileSystem'] = true;
    expect(schemaProblems({ where: 'typo', doc: typo })).toEqual([]); // the schema alone lets a typo through...
    expect(unknownFieldProblems([{ where: 'typo', doc: typo }])).toEqual([
      expect.stringContaining("'\"readOnlyRootFileSystem\"' does not exist in type 'ISecurityContext'"),
    ]);
    expect(init.check(typo)).toEqual([`${OVERLAYS[0]}: app: readOnlyRootFilesystem is not true`]);

    const badType = copy(init.deployment);
    obj(obj(containerOf(badType, 'initContainers')['securityContext']))['runAsUser'] = 'nobody';
    expect(schemaProblems({ where: 'bad', doc: badType })).toEqual([expect.stringContaining('runAsUser must be integer')]);

    const onDisk = copy(init.deployment);
    obj(obj((podOf(onDisk)['volumes'] as unknown[])[0])['emptyDir'])['medium'] = '';
    expect(init.check(onDisk)).toContain(`${OVERLAYS[0]}: ssm-render: no writable emptyDir with medium: Memory`);

    const noFsGroup = copy(init.deployment);
    delete obj(podOf(noFsGroup)['securityContext'])['fsGroup'];
    expect(init.check(noFsGroup)).toEqual([`${OVERLAYS[0]}: the pod sets no fsGroup: the app could not read the 0640 files`]);

    const notSidecar = copy(sidecar.deployment);
    delete containerOf(notSidecar, 'initContainers')['restartPolicy'];
    expect(sidecar.check(notSidecar)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('an init container runs `render`'),
        expect.stringContaining('startupProbe on an init container that is not a sidecar'),
      ]),
    );

    const wrongProbe = copy(sidecar.deployment);
    obj(obj(containerOf(wrongProbe, 'initContainers')['livenessProbe'])['httpGet'])['path'] = '/health';
    expect(sidecar.check(wrongProbe)).toEqual([`${OVERLAYS[1]}: ssm-render: livenessProbe does not ask /healthz`]);

    const noSharing = copy(sidecar.deployment);
    delete podOf(noSharing)['shareProcessNamespace'];
    expect(sidecar.check(noSharing)).toEqual([`${OVERLAYS[1]}: on_change.signal needs shareProcessNamespace: true`]);

    const badConfig = new Map(init.configMaps);
    const configMap = copy(badConfig.get('ssm-render-init') as Json);
    const data = obj(configMap['data']);
    data['ssm-render.yaml'] = String(data['ssm-render.yaml'])
      .replace('destination: /secrets/app.env', 'destination: /app/app.env')
      .replace('required:', 'requried:');
    badConfig.set('ssm-render-init', configMap);
    expect(podProblems(init.deployment, { where: 'x', configMaps: badConfig, workdir: WORKDIR })).toEqual([
      expect.stringMatching(/^x: ConfigMap ssm-render-init: `?`?.*requried/),
    ]);
  });

  // kubectl is not a Debian package: where the machine has it, its built-in kustomize renders each
  // overlay, and what it renders passes the same checks.
  const KUBECTL = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!KUBECTL).each(OVERLAYS)('%s renders with kubectl kustomize into the same valid objects', (dir) => {
    const out = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    const rendered = yamlDocuments(out.stdout).map((doc, i) => ({ where: `${dir}#${i}`, doc }));
    const beacon = dir.endsWith('/fleet') ? ['ConfigMap', 'Lease', 'Role', 'RoleBinding'] : [];
    expect(rendered.map((m) => m.doc['kind']).sort()).toEqual(['ConfigMap', 'Deployment', 'ServiceAccount', ...beacon].sort());
    expect(rendered.flatMap(schemaProblems)).toEqual([]);
    expect(unknownFieldProblems(rendered)).toEqual([]);
  });

  it('name the AWS identity: an IRSA role annotation, and trust policies for IRSA and EKS Pod Identity', () => {
    const account = byKind(all, 'ServiceAccount')[0] ?? {};
    const name = String(obj(account['metadata'])['name']);
    expect(obj(obj(account['metadata'])['annotations'])['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\/[\w+=,.@-]+$/);
    const irsa = JSON.parse(readRepoFile(DIR, 'iam/irsa-trust-policy.json')) as { Statement: Json[] };
    expect(irsa.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: expect.stringMatching(/:oidc-provider\//) },
      }),
    ]);
    expect(JSON.stringify(irsa)).toContain(`system:serviceaccount:default:${name}`);
    const podIdentity = JSON.parse(readRepoFile(DIR, 'iam/pod-identity-trust-policy.json')) as { Statement: Json[] };
    expect(podIdentity.Statement).toEqual([
      expect.objectContaining({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }),
    ]);
  });
});
