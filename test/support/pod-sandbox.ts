import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  cpSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { node22Path, parseLogs, type CliResult } from './run-cli';
import { imageFiles, imageSpec, parseDockerfile } from '../unit/deploy/support/dockerfile';
import type { ContainerView, PodView } from '../unit/deploy/support/kubernetes-checks';
import { list, obj, readRepoFile, repoPath } from '../unit/deploy/support/repo';

// The pieces of a container runtime the pod tests need: the image's file system laid out from the
// Dockerfile, each container under bubblewrap as its uid, read-only but for its writable mounts.

export const tool = (name: string) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
export const DOCKERFILE = parseDockerfile(readRepoFile('Dockerfile'));
export const IMAGE = imageSpec(DOCKERFILE);
/** The image's USER, which also owns its /secrets. */
export const IMAGE_USER = IMAGE.user ?? '';
/** The PATH a container image sets (distroless, busybox and node images alike). */
export const SEARCH_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
export const GUIDE_KEYS = ['ELASTICSEARCH_USERNAME', 'ELASTICSEARCH_PASSWORD', 'MYSQL_HOST', 'MYSQL_USER', 'MYSQL_PASSWORD'];

export interface User {
  uid: number;
  gid: number;
  groups: number[];
}
export interface Mount {
  host: string;
  target: string;
  writable?: boolean;
}

/** The root of a container: the host's /usr (for libc, sh, grep, node), nothing else of the host. */
export function rootFs(): string[] {
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const dir of ['/bin', '/sbin', '/lib', '/lib64', '/lib32']) {
    if (!existsSync(dir)) continue;
    if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  return args;
}

/** argv that runs `command` as `user` in a read-only sandbox where only writable mounts can be written. */
export function sandbox(user: User, mounts: readonly Mount[], env: Record<string, string>, cwd: string, command: readonly string[]): string[] {
  const setpriv = ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, user.groups.length ? `--groups=${user.groups.join(',')}` : '--clear-groups'];
  const bwrap = [
    'bwrap',
    '--unshare-user',
    '--uid',
    String(user.uid),
    '--gid',
    String(user.gid),
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--die-with-parent',
    '--new-session',
  ];
  const binds = mounts.flatMap((m) => [m.writable ? '--bind' : '--ro-bind', m.host, m.target]);
  const envArgs = ['--clearenv', ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v])];
  const workdir = cwd === '/' ? [] : ['--dir', cwd]; // as WORKDIR creates it in the image
  return [
    ...setpriv,
    ...bwrap,
    ...rootFs(),
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    ...workdir,
    ...binds,
    '--remount-ro',
    '/',
    '--chdir',
    cwd,
    ...envArgs,
    '--',
    ...command,
  ];
}

/** Run argv to its end (at most 30 s), with its output and its JSON log lines. */
export function run(argv: readonly string[], env: Record<string, string> = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' }): Promise<CliResult> {
  const [bin, ...args] = argv;
  return new Promise((done, fail) => {
    const child = spawn(bin as string, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', fail);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, logs: parseLogs(stderr) });
    });
  });
}

let node22: string | undefined;
/**
 * The image's Node (22; its ENTRYPOINT passes flags Node 20 refuses), from `npx -y node@22`, linked
 * (or copied) out of npx's cache under the home directory, which the sandboxed uids cannot enter.
 */
export function imageNode(): string {
  if (node22) return node22;
  const npxNode = node22Path();
  const dir = mkdtempSync(join(tmpdir(), 'ssm-render-node22-'));
  chmodSync(dir, 0o755);
  const node = join(dir, 'node');
  try {
    linkSync(npxNode, node);
  } catch {
    copyFileSync(npxNode, node);
  }
  chmodSync(node, 0o755);
  return (node22 = node);
}

/** Checkouts and temp directories may be 0700: the sandboxed uids must read what they mount. */
export const readableByAll = (dir: string) => spawnSync('chmod', ['-R', 'a+rX', dir]);

/** The image's files, laid out from the Dockerfile's final stage, in a directory any uid can read. */
export function layOutImage(root: string): Mount[] {
  const mounts = new Map<string, string>();
  for (const file of imageFiles(DOCKERFILE)) {
    const host = join(root, file.target);
    mkdirSync(dirname(host), { recursive: true });
    cpSync(repoPath(file.source), host, { recursive: true });
    const top = `/${file.target.split('/')[1] ?? ''}`;
    mounts.set(join(root, top), top);
  }
  readableByAll(root);
  return [...mounts].map(([host, target]) => ({ host, target }));
}

export const userOf = (container: ContainerView, fsGroup: number | undefined): User => {
  const [imageUid, imageGid] = IMAGE_USER.split(':').map(Number);
  const uid = Number(container.security['runAsUser'] ?? imageUid);
  const gid = Number(container.security['runAsGroup'] ?? imageGid);
  return { uid, gid, groups: fsGroup === undefined ? [] : [fsGroup] };
};
export const envOf = (container: ContainerView): Record<string, string> =>
  Object.fromEntries(list(container.raw['env']).map((e) => [String(obj(e)['name']), String(obj(e)['value'])]));

/** The app stands for a real one; its script ends by sleeping forever, which a test does without. */
export function appScript(command: readonly string[]): string[] {
  const script = command[command.length - 1] ?? '';
  const once = script.replace(/;?\s*exec sleep \d+\s*$/, '');
  expect(once, 'the app script ends with `exec sleep N`').not.toBe(script);
  return [...command.slice(0, -1), once];
}

export const filesIn = (dir: string) => readdirSync(dir).sort();
export const meta = (file: string) => {
  const s = statSync(file);
  return { mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid };
};

/** Kubelet's emptyDir with fsGroup: 0777 plus setgid, group-owned by fsGroup. */
function emptyDir(work: string, fsGroup: number, name: string): string {
  const dir = join(work, 'volumes', name);
  mkdirSync(dir, { recursive: true });
  chmodSync(join(work, 'volumes'), 0o755);
  chownSync(dir, 0, fsGroup);
  chmodSync(dir, 0o2777);
  return dir;
}

/** Every volume of the pod on the host: emptyDirs, ConfigMaps as read-only directories of their keys. */
export function podVolumes(pod: PodView, fsGroup: number, work: string, configMapData: (name: string) => Record<string, string>): Map<string, string> {
  const hosts = new Map<string, string>();
  for (const [name, volume] of pod.volumes) {
    if ('emptyDir' in volume) hosts.set(name, emptyDir(work, fsGroup, name));
    const configMap = obj(volume['configMap'])['name'];
    if (typeof configMap === 'string') {
      const dir = join(work, 'configmaps', name);
      mkdirSync(dir, { recursive: true });
      for (const [key, value] of Object.entries(configMapData(configMap))) writeFileSync(join(dir, key), value, { mode: 0o644 });
      readableByAll(join(work, 'configmaps'));
      hosts.set(name, dir);
    }
  }
  return hosts;
}

export const mountsFor = (container: ContainerView, hosts: Map<string, string>): Mount[] =>
  container.mounts.map((m) => ({ host: hosts.get(m.name) as string, target: m.mountPath, writable: !m.readOnly }));

/**
 * The environment a container starts with: the image sets only NODE_COMPILE_CACHE and the
 * malloc variables MALLOC_ARENA_MAX and MALLOC_MMAP_THRESHOLD_ (no HOME, no TMPDIR), and the
 * runtime (runc, under Docker, containerd, ECS and Kubernetes alike) adds PATH and HOME, the
 * user's home from the image's /etc/passwd or `/` for a uid it does not list. The sandbox
 * has no /etc/passwd, so `/`: read-only, like every other directory but the volume. (The cache's
 * directory is made by the image build, not laid out here; without it, node compiles as usual.)
 */
export function envFromImage(): Record<string, string> {
  expect(Object.keys(IMAGE.env).sort()).toEqual(['MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_', 'NODE_COMPILE_CACHE']);
  return { PATH: SEARCH_PATH, HOME: '/', ...IMAGE.env };
}
