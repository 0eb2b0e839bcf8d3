import { openApiDocument, openApiRoot } from './openapi';
import { apiVersion, RESOURCES, VERBS, type ResourceType } from './resources';

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-fake-kube',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const groups = () => [...new Set(RESOURCES.filter((r) => r.group).map((r) => r.group))];

function apiResource(type: ResourceType) {
  return {
    name: type.plural,
    singularName: type.singular,
    namespaced: true,
    kind: type.kind,
    verbs: [...VERBS],
    ...(type.shortNames.length > 0 && { shortNames: type.shortNames }),
  };
}

function apiGroup(name: string) {
  const version = { groupVersion: `${name}/v1`, version: 'v1' };
  return { name, versions: [version], preferredVersion: version };
}

function resourceList(groupVersion: string) {
  const resources = RESOURCES.filter((r) => apiVersion(r) === groupVersion).map(apiResource);
  return { kind: 'APIResourceList', ...(groupVersion.includes('/') && { apiVersion: 'v1' }), groupVersion, resources };
}

/**
 * The legacy (unaggregated) discovery documents and /version. A client asking for aggregated
 * discovery gets these as plain application/json, which client-go takes as "not aggregated" and
 * falls back to, as it does against an API server older than 1.26.
 */
export function discovery(path: string): unknown {
  if (path === '/version') return VERSION;
  if (path === '/openapi/v3') return openApiRoot();
  if (path.startsWith('/openapi/v3/')) return openApiDocument(path);
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] };
  if (path === '/api/v1') return resourceList('v1');
  if (path === '/apis') return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups().map(apiGroup) };
  const group = /^\/apis\/([^/]+)$/.exec(path)?.[1];
  if (group && groups().includes(group)) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
  const groupVersion = /^\/apis\/([^/]+\/[^/]+)$/.exec(path)?.[1];
  if (groupVersion && RESOURCES.some((r) => apiVersion(r) === groupVersion)) return resourceList(groupVersion);
  return undefined;
}
