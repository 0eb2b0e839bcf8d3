import { posix } from 'node:path';
import { configProblems, parseConfig } from './config-checks';
import { list, obj, strings, type Json } from './repo';

/** One container of a pod template, with the fields the checks read. */
export interface ContainerView {
  readonly name: string;
  readonly raw: Json;
  readonly security: Json;
  readonly mounts: Array<{ name: string; mountPath: string; readOnly: boolean }>;
}

export interface PodView {
  readonly spec: Json;
  readonly security: Json;
  readonly initContainers: ContainerView[];
  readonly containers: ContainerView[];
  readonly volumes: Map<string, Json>;
  /** The ssm-render container (the init container running the ssm-render image). */
  readonly ssmRender: ContainerView | undefined;
  readonly pattern: 'init' | 'sidecar';
}

const container = (raw: unknown): ContainerView => {
  const c = obj(raw);
  const mounts = list(c['volumeMounts']).map((m) => ({
    name: String(obj(m)['name']),
    mountPath: String(obj(m)['mountPath']),
    readOnly: obj(m)['readOnly'] === true,
  }));
  return { name: String(c['name']), raw: c, security: obj(c['securityContext']), mounts };
};

export function podView(deployment: Json): PodView {
  const spec = obj(obj(obj(deployment['spec'])['template'])['spec']);
  const initContainers = list(spec['initContainers']).map(container);
  const ssmRender = initContainers.find((c) => /(^|\/)ssm-render[:@]/.test(String(c.raw['image'])));
  const volumes = new Map(list(spec['volumes']).map((v) => [String(obj(v)['name']), obj(v)] as const));
  return {
    spec,
    security: obj(spec['securityContext']),
    initContainers,
    containers: list(spec['containers']).map(container),
    volumes,
    ssmRender,
    pattern: ssmRender?.raw['restartPolicy'] === 'Always' ? 'sidecar' : 'init',
  };
}

export interface PodCheck {
  readonly where: string;
  /** ConfigMaps of the same kustomization, by name. */
  readonly configMaps: Map<string, Json>;
  /** The image's working directory, where ssm-render looks for ssm-render.yaml. */
  readonly workdir: string;
}

const flagValue = (args: string[], flag: string) => {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
};

function hardeningProblems(view: PodView): string[] {
  const problems: string[] = [];
  if (view.security['runAsNonRoot'] !== true) problems.push('the pod does not set runAsNonRoot: true');
  if (typeof view.security['fsGroup'] !== 'number') problems.push('the pod sets no fsGroup: the app could not read the 0640 files');
  for (const c of [...view.initContainers, ...view.containers]) {
    const s = c.security;
    if (s['readOnlyRootFilesystem'] !== true) problems.push(`${c.name}: readOnlyRootFilesystem is not true`);
    if (s['allowPrivilegeEscalation'] !== false) problems.push(`${c.name}: allowPrivilegeEscalation is not false`);
    if (!strings(obj(s['capabilities'])['drop']).includes('ALL')) problems.push(`${c.name}: capabilities are not all dropped`);
    if (!(typeof s['runAsUser'] === 'number' && s['runAsUser'] > 0)) problems.push(`${c.name}: no non-root runAsUser`);
    for (const m of c.mounts) if (!view.volumes.has(m.name)) problems.push(`${c.name}: mounts volume ${m.name}, which the pod does not declare`);
  }
  return problems;
}

function sidecarProblems(view: PodView, ssm: ContainerView, args: string[], volumePath: string, config: ReturnType<typeof parseConfig>['config']): string[] {
  const problems: string[] = [];
  const listen = flagValue(args, '--listen');
  const port = Number(listen?.split(':').pop());
  const ports = list(ssm.raw['ports']).map(obj);
  const named = ports.find((p) => p['containerPort'] === port);
  if (!named) problems.push(`ssm-render: --listen ${listen ?? '(none)'} is not a declared containerPort`);
  const probe = (kind: string, path: string) => {
    const get = obj(obj(ssm.raw[kind])['httpGet']);
    if (get['path'] !== path) problems.push(`ssm-render: ${kind} does not ask ${path}`);
    if (get['port'] !== port && get['port'] !== named?.['name'])
      problems.push(`ssm-render: ${kind} asks port ${String(get['port'])}, not the --listen port ${port}`);
  };
  probe('startupProbe', '/readyz');
  probe('readinessProbe', '/readyz');
  probe('livenessProbe', '/healthz');
  const readyFile = flagValue(args, '--ready-file');
  if (readyFile !== undefined && !readyFile.startsWith(`${volumePath}/`)) problems.push(`ssm-render: --ready-file ${readyFile} is outside the shared volume`);
  if (!config?.watch) problems.push('ssm-render: the sidecar config has no `watch:` section');
  const onChange = config?.on_change;
  if (onChange?.signal !== undefined && onChange.pid_file !== undefined) {
    if (view.spec['shareProcessNamespace'] !== true) problems.push('on_change.signal needs shareProcessNamespace: true');
    const pidDir = posix.dirname(onChange.pid_file);
    const mount = ssm.mounts.find((m) => m.mountPath === pidDir);
    if (!mount) problems.push(`ssm-render: the pid file's directory ${pidDir} is not a mounted volume`);
    for (const app of view.containers) {
      if (!app.mounts.some((m) => m.name === mount?.name && !m.readOnly))
        problems.push(`${app.name}: cannot write its pid to ${onChange.pid_file} (volume ${mount?.name ?? '?'} not mounted read-write)`);
      if (app.security['runAsUser'] !== ssm.security['runAsUser'])
        problems.push(
          `${app.name}: runs as uid ${String(app.security['runAsUser'])}, ssm-render as ${String(ssm.security['runAsUser'])}: with no capabilities, kill(2) needs the same uid`,
        );
    }
  }
  return problems;
}

/** What is wrong with a Deployment of the init-container or native-sidecar pattern. */
export function podProblems(deployment: Json, check: PodCheck): string[] {
  const view = podView(deployment);
  const ssm = view.ssmRender;
  if (!ssm) return [`${check.where}: no init container runs the ssm-render image`];
  const problems = hardeningProblems(view);
  const args = strings(ssm.raw['args']);
  const secrets = ssm.mounts.find((m) => obj(view.volumes.get(m.name)?.['emptyDir'])['medium'] === 'Memory');
  if (!secrets || secrets.readOnly) problems.push('ssm-render: no writable emptyDir with medium: Memory');
  const volumePath = secrets?.mountPath ?? '/secrets';
  for (const app of view.containers) {
    const mount = app.mounts.find((m) => m.name === secrets?.name);
    if (!mount?.readOnly) problems.push(`${app.name}: does not mount the shared volume read-only`);
  }

  const configMount = ssm.mounts.find((m) => m.mountPath === check.workdir);
  const configMapName = String(obj(view.volumes.get(configMount?.name ?? '')?.['configMap'])['name'] ?? '');
  const text = obj(check.configMaps.get(configMapName)?.['data'])['ssm-render.yaml'];
  if (!configMount?.readOnly) problems.push(`ssm-render: no read-only config mounted at the image's working directory ${check.workdir}`);
  if (typeof text !== 'string') problems.push(`ssm-render: ConfigMap \`${configMapName}\` with key ssm-render.yaml is not in this kustomization`);
  const config = typeof text === 'string' ? parseConfig(text).config : undefined;
  if (typeof text === 'string') problems.push(...configProblems(text, { where: `ConfigMap ${configMapName}`, volume: volumePath }));

  if (view.pattern === 'init') {
    if (args[0] !== 'render') problems.push(`ssm-render: an init container runs \`render\`, not \`${args.join(' ')}\``);
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe'])
      if (kind in ssm.raw) problems.push(`ssm-render: ${kind} on an init container that is not a sidecar (the API rejects it)`);
  } else {
    if (args[0] !== 'watch') problems.push(`ssm-render: a sidecar runs \`watch\`, not \`${args.join(' ')}\``);
    problems.push(...sidecarProblems(view, ssm, args, volumePath, config));
  }
  return problems.map((p) => `${check.where}: ${p}`);
}
