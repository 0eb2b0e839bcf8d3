import { setMaxListeners } from 'node:events';
import { CallLog } from './calls';
import { decodeObject } from './decode';
import { Faults } from './faults';
import { handleKube } from './handler';
import { byPlural } from './resources';
import { listen } from './server';
import { ObjectStore } from './store';
import { selfSignedCertificate } from './tls';
import type { FakeKube, FakeKubeOptions } from './types';
import { WatchRegistry } from './watch';

const show = (value: unknown) => `\`${JSON.stringify(value)}\` (${typeof value})`;

function validate(options: FakeKubeOptions): Required<Omit<FakeKubeOptions, 'https'>> & { https: boolean } {
  const {
    port = 0,
    token = 'fake-kube-token',
    user = 'system:serviceaccount:default:ssm-render',
    namespaces = ['default'],
    https = false,
    historyLimit = 1000,
  } = options;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`Expected the \`port\` option to be an integer from 0 to 65535, got ${show(port)}`);
  if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token))
    throw new TypeError(`Expected the \`token\` option to be printable ASCII without spaces, got ${show(token)}`);
  if (!Array.isArray(namespaces) || namespaces.length === 0 || namespaces.some((n) => typeof n !== 'string' || n === '')) {
    throw new TypeError(`Expected the \`namespaces\` option to be a non-empty list of names, got ${show(namespaces)}`);
  }
  if (!Number.isInteger(historyLimit) || historyLimit < 1)
    throw new TypeError(`Expected the \`historyLimit\` option to be a positive integer, got ${show(historyLimit)}`);
  return { port, token, user, namespaces, https, historyLimit };
}

/** Starts the fake Kubernetes API server on 127.0.0.1 and returns its URL and its test handles. */
export async function startFakeKube(options: FakeKubeOptions = {}): Promise<FakeKube> {
  const settings = validate(options);
  const certificate = settings.https ? selfSignedCertificate() : undefined;
  const store = new ObjectStore(settings.historyLimit);
  const faults = new Faults();
  const calls = new CallLog();
  const watches = new WatchRegistry();
  const closing = new AbortController();
  setMaxListeners(0, closing.signal);
  const namespaces = new Set(settings.namespaces);
  const deps = { store, namespaces, token: settings.token, user: settings.user, faults, calls, watches, closing: closing.signal };
  const server = await listen(settings.port, certificate, (req, res) => handleKube(req, res, deps));

  return {
    url: server.url,
    token: settings.token,
    ca: certificate?.cert,
    put(resource, namespace, object) {
      const type = byPlural(resource);
      if (!namespaces.has(namespace)) throw new TypeError(`Expected a namespace of ${[...namespaces].join(', ')}, got ${show(namespace)}`);
      const decoded = decodeObject(type, namespace, { ...object, metadata: { ...object.metadata, resourceVersion: undefined } });
      const current = store.get(resource, namespace, decoded.metadata.name);
      return current ? store.replace(resource, decoded, current) : store.create(resource, decoded);
    },
    get: (resource, namespace, name) => store.get(byPlural(resource).plural, namespace, name),
    delete: (resource, namespace, name) => store.remove(byPlural(resource).plural, namespace, name) !== undefined,
    resourceVersion: () => String(store.revisionNow()),
    compact: () => store.compact(),
    inject: (rule) => faults.inject(rule),
    clearFaults: () => faults.clear(),
    dropWatches: (how = 'destroy') => watches.drop(how),
    openWatches: () => watches.count(),
    calls: () => calls.calls(),
    counts: () => calls.counts(),
    resetCalls: () => calls.reset(),
    suspend: async () => {
      watches.drop('destroy');
      await server.suspend();
    },
    resume: () => server.resume(),
    close: async () => {
      closing.abort();
      watches.drop('destroy');
      await server.close();
    },
  };
}
