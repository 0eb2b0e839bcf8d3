import { MERGE_PATCH, STRATEGIC_MERGE_PATCH } from './patch';
import { apiVersion, RESOURCES, type ResourceType } from './resources';

// The OpenAPI v3 documents kubectl reads before create, replace and apply: the PATCH operation of a
// kind (with its `fieldValidation` parameter, so kubectl leaves validation to the server) and the
// schema it computes a strategic merge patch from. Only as much as those two uses need.

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const stringMap = { type: 'object', additionalProperties: { type: 'string', default: '' } };
const ref = (name: string) => ({ allOf: [{ $ref: `#/components/schemas/${name}` }], default: {} });
const schemaName = (type: ResourceType) => (type.group ? `io.k8s.api.coordination.v1.${type.kind}` : `io.k8s.api.core.v1.${type.kind}`);
const gvk = (type: ResourceType) => ({ group: type.group, kind: type.kind, version: type.version });

function kindSchema(type: ResourceType): Record<string, unknown> {
  const properties: Record<string, unknown> = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: ref(META) };
  if (type.kind === 'ConfigMap')
    Object.assign(properties, {
      data: stringMap,
      binaryData: { type: 'object', additionalProperties: { type: 'string', format: 'byte' } },
      immutable: { type: 'boolean' },
    });
  if (type.kind === 'Lease') properties['spec'] = ref('io.k8s.api.coordination.v1.LeaseSpec');
  return { type: 'object', properties, 'x-kubernetes-group-version-kind': [gvk(type)] };
}

const SHARED_SCHEMAS = {
  [META]: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      generateName: { type: 'string' },
      namespace: { type: 'string' },
      uid: { type: 'string' },
      resourceVersion: { type: 'string' },
      creationTimestamp: { type: 'string', format: 'date-time' },
      labels: stringMap,
      annotations: stringMap,
      finalizers: { type: 'array', items: { type: 'string', default: '' }, 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
    },
  },
  'io.k8s.api.coordination.v1.LeaseSpec': {
    type: 'object',
    properties: {
      acquireTime: { type: 'string', format: 'date-time' },
      holderIdentity: { type: 'string' },
      leaseDurationSeconds: { type: 'integer', format: 'int32' },
      leaseTransitions: { type: 'integer', format: 'int32' },
      preferredHolder: { type: 'string' },
      renewTime: { type: 'string', format: 'date-time' },
      strategy: { type: 'string' },
    },
  },
};

const urlPath = (groupVersion: string) => (groupVersion.includes('/') ? `apis/${groupVersion}` : `api/${groupVersion}`);

function patchOperation(type: ResourceType) {
  const body = { schema: { type: 'object' } };
  return {
    operationId: `patchNamespaced${type.kind}`,
    parameters: [
      { name: 'dryRun', in: 'query', schema: { type: 'string' } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string' } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string' } },
    ],
    requestBody: { content: { [MERGE_PATCH]: body, [STRATEGIC_MERGE_PATCH]: body }, required: true },
    responses: { '200': { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(type)}` } } } } },
    'x-kubernetes-action': 'patch',
    'x-kubernetes-group-version-kind': gvk(type),
  };
}

const groupVersions = () => [...new Set(RESOURCES.map(apiVersion))];

/** `/openapi/v3`: where each group-version's document is. */
export function openApiRoot() {
  return { paths: Object.fromEntries(groupVersions().map((gv) => [urlPath(gv), { serverRelativeURL: `/openapi/v3/${urlPath(gv)}?hash=fake` }])) };
}

/** `/openapi/v3/api/v1` or `/openapi/v3/apis/<group>/<version>`, or undefined for any other path. */
export function openApiDocument(path: string): unknown {
  const groupVersion = groupVersions().find((gv) => path === `/openapi/v3/${urlPath(gv)}`);
  if (!groupVersion) return undefined;
  const types = RESOURCES.filter((r) => apiVersion(r) === groupVersion);
  const paths = Object.fromEntries(types.map((t) => [`/${urlPath(groupVersion)}/namespaces/{namespace}/${t.plural}/{name}`, { patch: patchOperation(t) }]));
  const schemas = { ...SHARED_SCHEMAS, ...Object.fromEntries(types.map((t) => [schemaName(t), kindSchema(t)])) };
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0-fake-kube' }, paths, components: { schemas } };
}

/**
 * `/openapi/v2`, which kubectl before 1.27 reads (as protobuf only) to validate and to compute an
 * apply patch: an empty document, the zero-length protobuf message. With no schema for a kind,
 * those kubectl versions skip client-side validation and take the patch strategy from their own types.
 */
export const OPENAPI_V2 = { contentType: 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', body: Buffer.alloc(0) };
