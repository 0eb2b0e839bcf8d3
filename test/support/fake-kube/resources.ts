import type { Resource } from './types';
import { configMapFields, leaseFields, type FieldCheck } from './validation';

/** What the fake knows of one resource: its names in every form, and what its objects may hold. */
export interface ResourceType {
  plural: Resource;
  singular: string;
  kind: string;
  /** '' for the core group. */
  group: string;
  version: string;
  shortNames: string[];
  /** The top-level fields an object keeps (the API server drops the rest when it decodes). */
  fields: readonly string[];
  /** The fields of a nested object, for strict field validation (`?fieldValidation=Strict`). */
  nested: Record<string, readonly string[]>;
  /** Type and value checks of the fields beyond metadata. */
  check: FieldCheck;
}

export const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'] as const;

export const RESOURCES: readonly ResourceType[] = [
  {
    plural: 'configmaps',
    singular: 'configmap',
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    shortNames: ['cm'],
    fields: ['data', 'binaryData', 'immutable'],
    nested: {},
    check: configMapFields,
  },
  {
    plural: 'leases',
    singular: 'lease',
    kind: 'Lease',
    group: 'coordination.k8s.io',
    version: 'v1',
    shortNames: [],
    fields: ['spec'],
    nested: { spec: ['acquireTime', 'holderIdentity', 'leaseDurationSeconds', 'leaseTransitions', 'preferredHolder', 'renewTime', 'strategy'] },
    check: leaseFields,
  },
];

/** `v1` or `coordination.k8s.io/v1`. */
export const apiVersion = (type: ResourceType) => (type.group ? `${type.group}/${type.version}` : type.version);

export function resourceType(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function byPlural(plural: Resource): ResourceType {
  const type = RESOURCES.find((r) => r.plural === plural);
  if (!type) throw new TypeError(`Expected a resource of ${RESOURCES.map((r) => r.plural).join(', ')}, got \`${String(plural)}\``);
  return type;
}
