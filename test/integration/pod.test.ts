import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { parse as parseYaml } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  appScript,
  envFromImage,
  imageNode,
  envOf,
  filesIn,
  GUIDE_KEYS,
  IMAGE,
  IMAGE_USER,
  layOutImage,
  meta,
  mountsFor,
  podVolumes,
  readableByAll,
  run,
  sandbox,
  SEARCH_PATH,
  tool,
  userOf,
  type Mount,
  type User,
} from '../support/pod-sandbox';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { CANARY, PATH, seedGuide } from '../support/toolkit';
import { podView, type ContainerView } from '../unit/deploy/support/kubernetes-checks';
import { byKind, kustomizationManifests } from '../unit/deploy/support/kustomize';
import { list, obj, readRepoFile, repoPath, strings, yamlDocument, type Json } from '../unit/deploy/support/repo';

// The pod, without a cluster: the image's file system laid out from the Dockerfile, the containers
// of examples/kubernetes/init-container run as that Deployment says (uids, fsGroup, mounts, args,
// env, ConfigMap), each under bubblewrap with the whole file system read-only except the shared
// emptyDir, against the fake Parameter Store on 127.0.0.1. An unprivileged user namespace (entered
// through setpriv as the real uid, never a root-made one, which would map the uid back onto root)
// makes the kernel's own permission checks decide what each container may read and write.
// The compose demo's pieces and the ECS init task run the same way; the sidecar (`watch`) pod is in
// pod-sidecar.test.ts.

const BWRAP = tool('bwrap') && tool('setpriv');
let fake: FakeSsm;
let work: string;
beforeAll(async () => {
  if (!BWRAP) throw new Error('bubblewrap and setpriv are needed: install the Debian packages bubblewrap and util-linux');
  if (!existsSync(repoPath('dist/ssm-render.js'))) throw new Error('dist/ssm-render.js is missing: run `npm run build` first');
  fake = await startFakeSsm();
  imageNode(); // fetched once, before the tests' own time limits
}, 180_000);
afterAll(() => fake.close());
beforeEach(() => {
  seedGuide(fake);
  work = mkdtempSync(join(tmpdir(), 'ssm-render-pod-'));
  chmodSync(work, 0o755);
});
afterEach(() => {
  fake.clearFaults();
  rmSync(work, { recursive: true, force: true });
});

/** Credentials stand for IRSA or a task role; the endpoint points the SDK at the fake. */
const aws = () => ({ AWS_ACCESS_KEY_ID: 'AKIDPOD', AWS_SECRET_ACCESS_KEY: 'secret', AWS_ENDPOINT_URL: fake.url, AWS_MAX_ATTEMPTS: '2' });

describe('the init-container pod of examples/kubernetes/init-container, without a cluster', () => {
  const problems: string[] = [];
  const manifests = kustomizationManifests('examples/kubernetes/init-container', problems);
  const deployment = byKind(manifests, 'Deployment')[0] as Json;
  const configMaps = new Map(byKind(manifests, 'ConfigMap').map((c) => [String(obj(c['metadata'])['name']), c] as const));
  const pod = podView(deployment);
  const fsGroup = Number(pod.security['fsGroup']);
  const ssm = pod.ssmRender as ContainerView;
  const [app] = pod.containers;

  const volumes = (configMapData: (name: string) => Record<string, string>) => podVolumes(pod, fsGroup, work, configMapData);
  const mountsOf = (container: ContainerView, hosts: Map<string, string>) => mountsFor(container, hosts);

  /**
   * Kubelet's order: the init container runs to completion; only on exit 0 does the app start.
   * `config` edits ssm-render.yaml of the ConfigMap (for the failure cases).
   */
  async function startPod(config: (text: string) => string = (t) => t) {
    const data = (name: string) => {
      const entries = Object.entries(obj(configMaps.get(name)?.['data'])).map(([k, v]) => [k, k === 'ssm-render.yaml' ? config(String(v)) : String(v)]);
      return Object.fromEntries(entries) as Record<string, string>;
    };
    const hosts = volumes(data);
    const image = layOutImage(join(work, 'image'));
    const ssmArgv = [...IMAGE.entrypoint.slice(1), ...(strings(ssm.raw['args']).length ? strings(ssm.raw['args']) : IMAGE.cmd)];
    const node = { host: imageNode(), target: IMAGE.entrypoint[0] as string };
    const init = await run(
      sandbox(userOf(ssm, fsGroup), [...image, node, ...mountsOf(ssm, hosts)], { ...envFromImage(), ...envOf(ssm), ...aws() }, IMAGE.workdir as string, [
        node.target,
        ...ssmArgv,
      ]),
    );
    const secrets = hosts.get(ssm.mounts.find((m) => !m.readOnly)?.name ?? '') as string;
    if (init.code !== 0 || !app) return { init, secrets, hosts, app: undefined };
    const appRun = await run(sandbox(userOf(app, fsGroup), mountsOf(app, hosts), { PATH: SEARCH_PATH }, '/', appScript(strings(app.raw['command']))));
    return { init, secrets, hosts, app: appRun };
  }

  /** Read a file as `user`, in the app's sandbox. */
  const readAs = (user: User, hosts: Map<string, string>, file: string) =>
    run(sandbox(user, mountsOf(app as ContainerView, hosts), {}, '/', ['/usr/bin/cat', file]));

  it('is read from the manifests as written', () => {
    expect(problems).toEqual([]);
    expect(ssm.name).toBe('ssm-render');
    expect(app?.name).toBe('app');
    expect(fsGroup).toBeGreaterThan(0);
    expect(userOf(ssm, fsGroup).uid).not.toBe(userOf(app as ContainerView, fsGroup).uid);
  });

  it('exit 0: every file is in the emptyDir, 0640, owned by 65532 and fsGroup; the app, another uid in fsGroup, reads them', async () => {
    const pod1 = await startPod();
    expect(pod1.init.code, pod1.init.stderr).toBe(0);
    expect(pod1.init.logs.at(-1)).toMatchObject({ msg: 'render complete', written: 2, parameters: 5 });
    expect(pod1.init.stdout + pod1.init.stderr).not.toContain(CANARY);

    // Exactly the two destinations, no temp file, no ready file, nothing else.
    expect(filesIn(pod1.secrets)).toEqual(['app.env', 'config.yaml']);
    const [ssmUid] = IMAGE_USER.split(':').map(Number);
    for (const f of ['app.env', 'config.yaml']) expect(meta(join(pod1.secrets, f))).toEqual({ mode: '640', uid: ssmUid, gid: fsGroup });

    // The app ran (the init container gated it) and printed the keys, never a value.
    expect(pod1.app?.code, pod1.app?.stderr).toBe(0);
    expect(pod1.app?.stdout.trim().split('\n')).toEqual(['app started; keys in /secrets/app.env:', ...GUIDE_KEYS]);
    expect(`${pod1.app?.stdout}${pod1.app?.stderr}`).not.toMatch(/CANARY|elastic_user|db\.internal/);

    // What the app's uid reads is every value, exact (a quote, a newline, the canary).
    const appUser = userOf(app as ContainerView, fsGroup);
    const env = await readAs(appUser, pod1.hosts, '/secrets/app.env');
    expect(env.code, env.stderr).toBe(0);
    expect(parseDotenv(env.stdout)).toEqual({
      ELASTICSEARCH_USERNAME: 'elastic_user',
      ELASTICSEARCH_PASSWORD: fake.value(`${PATH}ELASTICSEARCH/PASSWORD`),
      MYSQL_HOST: 'db.internal',
      MYSQL_USER: 'metrics_user',
      MYSQL_PASSWORD: fake.value(`${PATH}MYSQL/PASSWORD`),
    });
    const yaml = await readAs(appUser, pod1.hosts, '/secrets/config.yaml');
    expect(parseYaml(yaml.stdout)).toMatchObject({ mysql: { password: fake.value(`${PATH}MYSQL/PASSWORD`), host: 'db.internal' } });

    // A uid outside fsGroup cannot: the files are not world-readable.
    const stranger = await readAs({ uid: appUser.uid + 1, gid: appUser.uid + 1, groups: [] }, pod1.hosts, '/secrets/app.env');
    expect(stranger.code).not.toBe(0);
    expect(stranger.stderr).toMatch(/Permission denied/);
  });

  it('a missing required parameter: exit 3, no file at all, and the app never starts', async () => {
    fake.delete(`${PATH}MYSQL/PASSWORD`);
    const pod1 = await startPod();
    expect(pod1.init.code, pod1.init.stderr).toBe(3);
    expect(pod1.init.logs.at(-1)).toMatchObject({ code: 'PARAMETER_NOT_FOUND', exitCode: 3 });
    expect(String(pod1.init.logs.at(-1)?.['msg'])).toContain(`${PATH}MYSQL/PASSWORD`);
    expect(pod1.app).toBeUndefined();
    expect(filesIn(pod1.secrets)).toEqual([]);
    expect(pod1.init.stderr).not.toContain(CANARY);
  });

  it('access denied: exit 3, no file, the app never starts', async () => {
    fake.inject({ kind: 'access-denied', operation: 'GetParametersByPath' });
    const pod1 = await startPod();
    expect(pod1.init.code, pod1.init.stderr).toBe(3);
    expect(pod1.init.logs.at(-1)).toMatchObject({ code: 'ACCESS_DENIED' });
    expect(pod1.app).toBeUndefined();
    expect(filesIn(pod1.secrets)).toEqual([]);
  });

  it('writes nowhere but the shared volume: a destination on the root file system is exit 5 (EROFS), and nothing is written', async () => {
    const pod1 = await startPod((text) => text.replace('destination: /secrets/config.yaml', 'destination: /var/lib/app/config.yaml'));
    expect(pod1.init.code, pod1.init.stderr).toBe(5);
    expect(pod1.init.logs.at(-1)).toMatchObject({ code: 'WRITE_FAILED', exitCode: 5 });
    expect(String(pod1.init.logs.at(-1)?.['msg'])).toMatch(/EROFS/);
    expect(pod1.app).toBeUndefined();
    expect(filesIn(pod1.secrets)).toEqual([]);
  });
});

describe("the compose demo's pieces and the ECS init task, without an engine", () => {
  const compose = yamlDocument(readRepoFile('docker-compose.yml'), { merge: true });
  const service = (name: string) => obj(obj(compose['services'])[name]);
  const userOfService = (s: Json): User => {
    const [uid, gid] = String(s['user']).split(':').map(Number);
    return { uid: uid as number, gid: gid as number, groups: strings(s['group_add']).map(Number) };
  };

  /** A named volume (or ECS task volume) on first use: the image's /secrets, owned by its USER, 0750. */
  function imageVolume(): string {
    const dir = join(work, 'volume');
    mkdirSync(dir);
    const [uid, gid] = IMAGE_USER.split(':').map(Number);
    chownSync(dir, uid as number, gid as number);
    chmodSync(dir, 0o750);
    return dir;
  }

  const ssmRenderIn = (volume: string, extra: Mount[]) => [
    ...layOutImage(join(work, 'image')),
    { host: imageNode(), target: IMAGE.entrypoint[0] as string },
    { host: volume, target: IMAGE.volumes[0] as string, writable: true },
    ...extra,
  ];

  it("compose: seed.sh puts the guide's parameters with the aws CLI; render writes the volume; app.mjs prints the keys only", async () => {
    const awsCli = '/usr/bin/aws';
    if (!existsSync(awsCli)) throw new Error('the Debian package awscli is needed');
    for (const name of fake.names()) fake.delete(name);
    // The aws CLI nobody here wrote, as the seed container runs it (Debian's, first on PATH).
    const seeded = await run(['sh', repoPath('examples/compose/seed.sh')], {
      ...(obj(service('seed')['environment']) as Record<string, string>),
      PATH: '/usr/bin:/bin',
      HOME: work,
      AWS_CONFIG_FILE: join(work, 'none'),
      AWS_SHARED_CREDENTIALS_FILE: join(work, 'none'),
      ...aws(),
    });
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stdout).toContain('seeded /ELASMETRICS/STAGING/MYSQL/PASSWORD (SecureString)');
    expect(fake.names()).toEqual(
      [...`ELASTICSEARCH/PASSWORD ELASTICSEARCH/USERNAME MYSQL/HOST MYSQL/PASSWORD MYSQL/USER`.split(' ')].map((k) => `${PATH}${k}`),
    );
    expect(seeded.stdout).not.toMatch(/staging-(es|mysql)-pass/);

    const volume = imageVolume();
    const render = service('render');
    const configDir = join(work, 'compose-config');
    mkdirSync(configDir);
    cpSync(repoPath('examples/compose/ssm-render.yaml'), join(configDir, 'ssm-render.yaml'));
    readableByAll(configDir);
    const env = { ...envFromImage(), ...obj(render['environment']), ...aws() } as Record<string, string>;
    const result = await run(
      sandbox(userOfService(render), ssmRenderIn(volume, [{ host: configDir, target: IMAGE.workdir as string }]), env, IMAGE.workdir as string, [
        IMAGE.entrypoint[0] as string,
        ...IMAGE.entrypoint.slice(1),
        ...strings(render['command']),
      ]),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(filesIn(volume)).toEqual(['app.env', 'config.yaml']);

    const app = service('app');
    const appDir = join(work, 'app');
    mkdirSync(appDir);
    cpSync(repoPath('examples/compose/app.mjs'), join(appDir, 'app.mjs'));
    readableByAll(appDir);
    const [node, ...args] = strings(app['command']);
    expect(node).toBe('node');
    const out = await run(
      sandbox(
        userOfService(app),
        [
          { host: appDir, target: '/app' },
          { host: volume, target: '/secrets' },
        ],
        {},
        '/',
        [process.execPath, ...args, '--once'],
      ),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe(`started: /secrets/app.env has 5 keys: ${[...GUIDE_KEYS].sort().join(', ')}\n`);
    expect(out.stdout + out.stderr).not.toMatch(/staging-(es|mysql)-pass|elastic_user/);
  });

  it("ECS: the init task's ssm-render renders into the task volume; the app (another uid in group 65532) starts on SUCCESS and reads it", async () => {
    const task = JSON.parse(readRepoFile('examples/ecs/task-definition-init.json')) as Json;
    const containers = list(task['containerDefinitions']).map(obj);
    const ssm = containers.find((c) => c['name'] === 'ssm-render') as Json;
    const app = containers.find((c) => c['name'] === 'app') as Json;
    const volume = imageVolume();
    const env = { ...envFromImage(), ...Object.fromEntries(list(ssm['environment']).map((e) => [String(obj(e)['name']), String(obj(e)['value'])])), ...aws() };
    const user = (c: Json): User => {
      const [uid, gid] = String(c['user']).split(':').map(Number);
      return { uid: uid as number, gid: gid as number, groups: [] };
    };
    const result = await run(sandbox(user(ssm), ssmRenderIn(volume, []), env, IMAGE.workdir as string, [...IMAGE.entrypoint, ...strings(ssm['command'])]));
    expect(result.code, result.stderr).toBe(0);
    expect(filesIn(volume)).toEqual(['app.env']);
    expect(meta(join(volume, 'app.env'))).toMatchObject({ mode: '640' });

    // dependsOn SUCCESS: the app starts only because the exit code was 0.
    expect(list(app['dependsOn'])).toEqual([{ containerName: 'ssm-render', condition: 'SUCCESS' }]);
    const out = await run(
      sandbox(user(app), [{ host: volume, target: '/secrets' }], { PATH: SEARCH_PATH }, '/', [
        ...strings(app['entryPoint']),
        ...appScript(strings(app['command'])),
      ]),
    );
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.trim().split('\n')).toEqual([
      'app started; keys in /secrets/app.env:',
      'ELASTICSEARCH_PASSWORD',
      'ELASTICSEARCH_USERNAME',
      'MYSQL_HOST',
      'MYSQL_PASSWORD',
      'MYSQL_USER',
    ]);
    expect(out.stdout).not.toContain(CANARY);
  });
});
