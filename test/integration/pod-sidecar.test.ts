import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/cli-process';
import { startFakeSsm, type FakeSsm } from '../support/fake-ssm';
import { envFromImage, envOf, IMAGE, imageNode, layOutImage, mountsFor, podVolumes, run, sandbox, SEARCH_PATH, tool, userOf } from '../support/pod-sandbox';
import { CANARY, PATH, seedGuide } from '../support/toolkit';
import type { ContainerView } from '../unit/deploy/support/kubernetes-checks';
import { podView } from '../unit/deploy/support/kubernetes-checks';
import { byKind, kustomizationManifests } from '../unit/deploy/support/kustomize';
import { list, obj, readRepoFile, strings, yamlDocument, type Json } from '../unit/deploy/support/repo';

// The native-sidecar pod of examples/kubernetes/sidecar, without a cluster: `ssm-render watch` and
// the app run as the Deployment says, each under bubblewrap, read-only but their volumes, sharing
// one PID namespace (shareProcessNamespace: true). The app starts when /readyz answers (the startup
// probe); a rotated value must reach the app's file and the app must get exactly one SIGHUP.

const manifests = kustomizationManifests('examples/kubernetes/sidecar', []);
const deployment = byKind(manifests, 'Deployment')[0] as Json;
const configMaps = new Map(byKind(manifests, 'ConfigMap').map((c) => [String(obj(c['metadata'])['name']), c] as const));
const pod = podView(deployment);
const fsGroup = Number(pod.security['fsGroup']);
const ssm = pod.ssmRender as ContainerView;
const app = pod.containers[0] as ContainerView;

interface Live {
  child: ChildProcess;
  output: () => string;
}

/** A long-running process, its output collected. */
function start(argv: readonly string[]): Live {
  const [bin, ...args] = argv;
  const child = spawn(bin as string, args, { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (text += d.toString()));
  return { child, output: () => text };
}

/** Kubernetes expands `$$` to `$` in command and args (and `$(VAR)`, which the example does not use). */
const kubeExpand = (arg: string) => arg.replaceAll('$$', '$');

/** Every bubblewrap process of a test runs in the host's PID namespace, as shareProcessNamespace makes them share one. */
const sharedPid = (argv: string[]) => argv.filter((a) => a !== '--unshare-pid');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const BWRAP = tool('bwrap') && tool('setpriv');
let fake: FakeSsm;
let work: string;
const live: Live[] = [];
beforeAll(async () => {
  if (!BWRAP) throw new Error('bubblewrap and setpriv are needed: install the Debian packages bubblewrap and util-linux');
  fake = await startFakeSsm();
  imageNode(); // fetched once, before the tests' own time limits
}, 180_000);
afterAll(() => fake.close());
beforeEach(() => {
  seedGuide(fake);
  work = mkdtempSync(join(tmpdir(), 'ssm-render-sidecar-'));
  chmodSync(work, 0o755);
});
afterEach(async () => {
  for (const l of live.splice(0)) {
    l.child.kill('SIGKILL');
    expect(l.output()).not.toContain(CANARY);
  }
  fake.clearFaults();
  rmSync(work, { recursive: true, force: true });
});

describe('the native-sidecar pod of examples/kubernetes/sidecar, without a cluster', () => {
  it("is a native sidecar sharing the process namespace, and ssm-render runs as the app's uid (kill(2) needs it)", () => {
    expect(ssm.raw['restartPolicy']).toBe('Always');
    expect(obj(obj(obj(deployment['spec'])['template'])['spec'])['shareProcessNamespace']).toBe(true);
    expect(userOf(ssm, fsGroup).uid).toBe(userOf(app, fsGroup).uid);
  });

  it("renders, gets ready, feeds the app; a rotated value reaches the app's file with exactly one SIGHUP; stale data fails readiness", async () => {
    const port = await freePort();
    const data = (name: string) =>
      Object.fromEntries(
        Object.entries(obj(configMaps.get(name)?.['data'])).map(([k, v]) => [
          k,
          // A shorter interval and max_stale, so the test does in seconds what the pod does in minutes.
          k === 'ssm-render.yaml'
            ? String(v)
                .replace(/interval: \S+/, 'interval: 1s')
                .replace(/jitter: \S+/, 'jitter: 0')
                .replace(/max_stale: \S+/, 'max_stale: 3s')
            : String(v),
        ]),
      ) as Record<string, string>;
    const hosts = podVolumes(pod, fsGroup, work, data);
    const image = layOutImage(join(work, 'image'));
    const node = { host: imageNode(), target: IMAGE.entrypoint[0] as string };
    const args = strings(ssm.raw['args']).map((a) => (a === '0.0.0.0:9090' ? `127.0.0.1:${port}` : a));
    const env = {
      ...envFromImage(),
      ...envOf(ssm),
      AWS_ACCESS_KEY_ID: 'AKIDPOD',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_ENDPOINT_URL: fake.url,
      AWS_MAX_ATTEMPTS: '1',
    };
    const sidecar = start(
      sharedPid(
        sandbox(userOf(ssm, fsGroup), [...image, node, ...mountsFor(ssm, hosts)], env, IMAGE.workdir as string, [
          node.target,
          ...IMAGE.entrypoint.slice(1),
          ...args,
        ]),
      ),
    );
    live.push(sidecar);
    const secrets = hosts.get('secrets') as string;
    const url = (path: string) => `http://127.0.0.1:${port}${path}`;
    const status = async (path: string) => (await fetch(url(path)).catch(() => undefined))?.status;

    // The startup probe: the app starts once /readyz answers 200.
    await eventually(async () => ((await status('/readyz')) === 200 ? true : undefined), 20_000, '/readyz 200');
    // The ready file is written just after the first render is recorded: wait for it, do not race it.
    await eventually(() => (existsSync(join(secrets, '.ready')) ? true : undefined), 5_000, 'the ready file');
    const appRun = start(
      sharedPid(sandbox(userOf(app, fsGroup), mountsFor(app, hosts), { PATH: SEARCH_PATH }, '/', strings(app.raw['command']).map(kubeExpand))),
    );
    live.push(appRun);
    await eventually(() => (/app started; keys: .*MYSQL_PASSWORD/.test(appRun.output()) ? true : undefined), 10_000, 'the app to start');
    await eventually(() => (existsSync(join(hosts.get('run') as string, 'app.pid')) ? true : undefined), 5_000, 'the app pid file');

    // Rotation: the new value in the file the app reads (as the app's uid), and one SIGHUP.
    fake.put(`${PATH}MYSQL/PASSWORD`, `rotated-${CANARY}`, { type: 'SecureString' });
    const reloads = () =>
      appRun
        .output()
        .split('\n')
        .filter((l) => l.startsWith('SIGHUP: reloaded')).length;
    await eventually(() => (reloads() === 1 ? true : undefined), 10_000, 'one SIGHUP in the app');
    const read = await run(sandbox(userOf(app, fsGroup), mountsFor(app, hosts), {}, '/', ['/usr/bin/cat', '/secrets/app.env']));
    expect(read.code, read.stderr).toBe(0);
    expect(parseDotenv(read.stdout)['MYSQL_PASSWORD']).toBe(`rotated-${CANARY}`);
    await new Promise((r) => setTimeout(r, 3_000));
    expect(reloads()).toBe(1);

    // The compose healthcheck and the ECS one, as written, against the running sidecar.
    const compose = yamlDocument(readRepoFile('docker-compose.yml'), { merge: true });
    const composeCheck = strings(obj(obj(obj(compose['services'])['watch'])['healthcheck'])['test']).slice(1);
    expect(
      spawnSync(
        process.execPath,
        composeCheck.slice(1).map((a) => a.replace(':9090', `:${port}`)),
      ).status,
    ).toBe(0);
    const task = JSON.parse(readRepoFile('examples/ecs/task-definition-sidecar.json')) as Json;
    const ecsSsm = list(task['containerDefinitions'])
      .map(obj)
      .find((c) => c['name'] === 'ssm-render') as Json;
    const ecsCheck = strings(obj(ecsSsm['healthCheck'])['command']);
    expect(ecsCheck[0]).toBe('CMD');
    const ecsArgs = ecsCheck.slice(2).map((a) => a.replaceAll('/secrets/', `${secrets}/`));
    expect(spawnSync(process.execPath, ecsArgs).status, ecsArgs.join(' ')).toBe(0);

    // Stale: Parameter Store fails for longer than max_stale; the app keeps its files; readiness fails.
    fake.inject({ kind: 'server-error' });
    await eventually(async () => ((await status('/readyz')) === 503 ? true : undefined), 15_000, '/readyz 503');
    await eventually(() => (existsSync(join(secrets, '.ready')) ? undefined : true), 5_000, 'the ready file removed');
    expect(spawnSync(process.execPath, ecsArgs).status).not.toBe(0);
    expect(await status('/healthz')).toBe(200);
    expect(parseDotenv(read.stdout)['MYSQL_PASSWORD']).toBe(`rotated-${CANARY}`);
    fake.clearFaults();
    await eventually(async () => ((await status('/readyz')) === 200 ? true : undefined), 15_000, '/readyz 200 again');

    // Pod termination: the kubelet sends SIGTERM to the container's process (bubblewrap's child,
    // since bubblewrap does not forward signals); exit 0 within a second, which bubblewrap passes on.
    const exited = new Promise<number | null>((resolve) => sidecar.child.on('exit', (code) => resolve(code)));
    const ssmPid = Number(
      spawnSync('pgrep', ['-P', String(sidecar.child.pid)])
        .stdout.toString()
        .trim()
        .split('\n')[0],
    );
    expect(ssmPid).toBeGreaterThan(1);
    const sent = performance.now();
    process.kill(ssmPid, 'SIGTERM');
    expect(await exited).toBe(0);
    expect(performance.now() - sent).toBeLessThan(1_500);
    expect(existsSync(join(secrets, '.ready'))).toBe(false);
  }, 90_000);
});
