import { describe, expect, it } from 'vitest';
import { kubeConnection, KubeConnectionError } from '../../../src/share/kube-connection';

function world(env: Record<string, string>, files: Record<string, string>) {
  return {
    env,
    readFile: (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return text;
    },
  };
}

const SA = '/sa';
const serviceAccount = { [`${SA}/namespace`]: 'apps\n', [`${SA}/ca.crt`]: 'PEM', [`${SA}/token`]: 'tok-1\n' };

describe('kubeConnection', () => {
  it('in a pod: the server from KUBERNETES_SERVICE_HOST/PORT, the namespace, CA and token from the service account, the token read on every call', () => {
    const files = { ...serviceAccount };
    const conn = kubeConnection(world({ KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' }, files), SA);
    expect(conn).toMatchObject({ server: 'https://10.0.0.1:443', namespace: 'apps', ca: 'PEM', insecure: false });
    expect(conn.token()).toBe('tok-1');
    files[`${SA}/token`] = 'tok-2';
    expect(conn.token()).toBe('tok-2');
    expect(kubeConnection(world({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, files), SA).server).toBe('https://[fd00::1]:443');
  });

  it('outside a pod without KUBECONFIG: an error that says what is missing and what to do', () => {
    let error: unknown;
    try {
      kubeConnection(world({}, serviceAccount), SA);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubeConnectionError);
    expect(error).toMatchObject({
      message: 'Not in a Kubernetes pod: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set',
      hint: 'run in a pod with its service account mounted, or point KUBECONFIG at a kubeconfig file',
    });
    expect(() => kubeConnection(world({ KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' }, {}), SA)).toThrow(
      'Cannot read the service account in /sa (ENOENT)',
    );
  });

  it("KUBECONFIG (its first file): the current context's server, CA data, token and namespace", () => {
    const kubeconfig = JSON.stringify({
      'current-context': 'b',
      contexts: [
        { name: 'a', context: { cluster: 'ca', user: 'ua' } },
        { name: 'b', context: { cluster: 'cb', user: 'ub', namespace: 'team' } },
      ],
      clusters: [
        { name: 'ca', cluster: { server: 'https://a' } },
        { name: 'cb', cluster: { server: 'https://b:6443/', 'certificate-authority-data': Buffer.from('CA-B').toString('base64') } },
      ],
      users: [
        { name: 'ua', user: { token: 'ta' } },
        { name: 'ub', user: { token: 'tb' } },
      ],
    });
    const conn = kubeConnection(world({ KUBECONFIG: '/k1:/k2', KUBERNETES_SERVICE_HOST: 'ignored', KUBERNETES_SERVICE_PORT: '1' }, { '/k1': kubeconfig }), SA);
    expect(conn).toMatchObject({ server: 'https://b:6443', namespace: 'team', ca: 'CA-B', insecure: false, from: 'KUBECONFIG (/k1)' });
    expect(conn.token()).toBe('tb');
  });

  it('KUBECONFIG: a CA file, a token file, insecure-skip-tls-verify, the default namespace', () => {
    const kubeconfig = [
      'current-context: x',
      'contexts: [{ name: x, context: { cluster: c, user: u } }]',
      'clusters: [{ name: c, cluster: { server: "http://127.0.0.1:8080", certificate-authority: /ca.pem, insecure-skip-tls-verify: true } }]',
      'users: [{ name: u, user: { tokenFile: /token } }]',
    ].join('\n');
    const conn = kubeConnection(world({ KUBECONFIG: '/k' }, { '/k': kubeconfig, '/ca.pem': 'PEM', '/token': 'from-file\n' }), SA);
    expect(conn).toMatchObject({ server: 'http://127.0.0.1:8080', namespace: 'default', ca: 'PEM', insecure: true });
    expect(conn.token()).toBe('from-file');
  });

  it('KUBECONFIG that cannot be used: names the file and what is wrong', () => {
    expect(() => kubeConnection(world({ KUBECONFIG: '/missing' }, {}), SA)).toThrow('Cannot read KUBECONFIG (/missing): ENOENT');
    expect(() => kubeConnection(world({ KUBECONFIG: '/k' }, { '/k': 'current-context: none\n' }), SA)).toThrow(
      'KUBECONFIG (/k) has no current context with a cluster server',
    );
  });
});
