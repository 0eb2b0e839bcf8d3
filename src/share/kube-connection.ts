import { parse } from 'yaml';

/** Where the pod's service account lives (the kubelet mounts it there). */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to reach the Kubernetes API: the server, how to trust it, who we are, and our namespace. */
export interface KubeConnection {
  readonly server: string;
  readonly namespace: string;
  /** PEM of the CA that signed the server's certificate (https only). */
  readonly ca: string | undefined;
  readonly insecure: boolean;
  /** Read on every request: projected service-account tokens rotate. */
  token(): string | undefined;
  /** Where these came from, for messages. */
  readonly from: string;
}

export interface ConnectionWorld {
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string;
}

/** Why the beacon cannot reach Kubernetes at all: said once, then the pod polls on its own. */
export class KubeConnectionError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'KubeConnectionError';
  }
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context?: { cluster?: string; user?: string; namespace?: string } }[];
  clusters?: {
    name: string;
    cluster?: { server?: string; 'certificate-authority'?: string; 'certificate-authority-data'?: string; 'insecure-skip-tls-verify'?: boolean };
  }[];
  users?: { name: string; user?: { token?: string; tokenFile?: string } }[];
}

function fromKubeconfig(file: string, world: ConnectionWorld): KubeConnection {
  const where = `KUBECONFIG (${file})`;
  let doc: KubeconfigFile;
  try {
    doc = parse(world.readFile(file)) as KubeconfigFile;
  } catch (error) {
    throw new KubeConnectionError(`Cannot read ${where}: ${(error as NodeJS.ErrnoException).code ?? 'not YAML'}`, 'check the file KUBECONFIG names');
  }
  const context = doc.contexts?.find((c) => c.name === doc['current-context'])?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === context?.user)?.user;
  if (!context || !cluster?.server) {
    throw new KubeConnectionError(`${where} has no current context with a cluster server`, 'set `current-context` to a context whose cluster has a `server`');
  }
  const ca = cluster['certificate-authority-data']
    ? Buffer.from(cluster['certificate-authority-data'], 'base64').toString()
    : cluster['certificate-authority'] && world.readFile(cluster['certificate-authority']);
  const token = user?.token;
  const tokenFile = user?.tokenFile;
  return {
    server: cluster.server.replace(/\/+$/, ''),
    namespace: context.namespace ?? 'default',
    ca: ca || undefined,
    insecure: cluster['insecure-skip-tls-verify'] === true,
    token: () => token ?? (tokenFile ? world.readFile(tokenFile).trim() : undefined),
    from: where,
  };
}

function inCluster(world: ConnectionWorld, dir: string): KubeConnection {
  const host = world.env['KUBERNETES_SERVICE_HOST'];
  const port = world.env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) {
    throw new KubeConnectionError(
      'Not in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
      'run in a pod with its service account mounted, or point KUBECONFIG at a kubeconfig file',
    );
  }
  let namespace: string;
  let ca: string;
  try {
    namespace = world.readFile(`${dir}/namespace`).trim();
    ca = world.readFile(`${dir}/ca.crt`);
  } catch (error) {
    throw new KubeConnectionError(
      `Cannot read the service account in ${dir} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      'mount the service account token (automountServiceAccountToken: true)',
    );
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return {
    server: `https://${hostPart}:${port}`,
    namespace,
    ca,
    insecure: false,
    token: () => world.readFile(`${dir}/token`).trim(),
    from: `the in-cluster service account (${dir})`,
  };
}

/**
 * The in-cluster service account, as every Kubernetes client reads it; or, when `KUBECONFIG` is set
 * (its first file), that file's current context: how to run outside a pod, and how tests point a
 * process at a fake API server.
 */
export function kubeConnection(world: ConnectionWorld, serviceAccountDir = SERVICE_ACCOUNT_DIR): KubeConnection {
  const kubeconfig = world.env['KUBECONFIG']?.split(':').find((f) => f !== '');
  return kubeconfig ? fromKubeconfig(kubeconfig, world) : inCluster(world, serviceAccountDir);
}
