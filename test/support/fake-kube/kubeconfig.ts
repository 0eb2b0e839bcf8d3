import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FakeKube } from './types';

/** Where a pod finds its service account, under the root that `KubeConfig.loadFromCluster(root)` takes. */
export const SERVICE_ACCOUNT_DIR = 'var/run/secrets/kubernetes.io/serviceaccount';

/**
 * Writes a kubeconfig (JSON, which is YAML) for `fake` at `file`: its URL, its CA when https, and a
 * bearer token (the fake's own unless `token` is given), with `namespace` as the context's default.
 * Over http it says `insecure-skip-tls-verify`, without which @kubernetes/client-node refuses an
 * http server; kubectl sends no token over http at all, so drive kubectl at an https fake.
 */
export function writeKubeconfig(fake: FakeKube, file: string, opts: { namespace?: string; token?: string } = {}): string {
  const trust = fake.ca ? { 'certificate-authority-data': Buffer.from(fake.ca).toString('base64') } : { 'insecure-skip-tls-verify': true };
  const cluster = { server: fake.url, ...trust };
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster }],
    users: [{ name: 'fake', user: { token: opts.token ?? fake.token } }],
    contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace: opts.namespace ?? 'default' } }],
    'current-context': 'fake',
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  return file;
}

/**
 * Lays out a pod's service-account files (token, ca.crt, namespace) under `root` and returns the
 * environment the kubelet would set. The fake must serve https: in-cluster config is https unless
 * the port is 80, 8080 or 8001.
 */
export function inClusterDir(fake: FakeKube, root: string, namespace = 'default'): { root: string; env: Record<string, string> } {
  if (!fake.ca) throw new TypeError('Expected a fake started with `https: true`: in-cluster config trusts the CA in ca.crt and speaks https');
  const dir = join(root, SERVICE_ACCOUNT_DIR);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'token'), fake.token, { mode: 0o600 });
  writeFileSync(join(dir, 'ca.crt'), fake.ca);
  writeFileSync(join(dir, 'namespace'), namespace);
  const { hostname, port } = new URL(fake.url);
  return { root, env: { KUBERNETES_SERVICE_HOST: hostname, KUBERNETES_SERVICE_PORT: port } };
}
