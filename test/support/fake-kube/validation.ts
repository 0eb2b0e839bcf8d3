import type { Cause } from './status';

/** What is wrong with an object: `decode` problems are a 400 (the JSON does not fit the type), `invalid` ones a 422. */
export interface Problems {
  decode: string[];
  invalid: Cause[];
}

export type FieldCheck = (object: Record<string, unknown>) => Problems;

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;
// metav1.MicroTime parses with Go's RFC3339Micro layout, which wants exactly six fractional digits.
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;
export const MAX_CONFIGMAP_BYTES = 1024 * 1024;

const jsonType = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value);

/** Go's encoding/json message for a value of the wrong JSON type. */
const mismatch = (value: unknown, field: string, goType: string) => `json: cannot unmarshal ${jsonType(value)} into Go struct field ${field} of type ${goType}`;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function stringMap(value: unknown, field: string, problems: Problems): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    problems.decode.push(mismatch(value, field, 'map[string]string'));
    return {};
  }
  for (const [key, v] of Object.entries(value)) if (typeof v !== 'string') problems.decode.push(mismatch(v, `${field}.${key}`, 'string'));
  return value as Record<string, string>;
}

/** The metadata every object shares: a DNS-subdomain name (or a generateName), string labels and annotations. */
export function metadataProblems(metadata: unknown, kind: string): Problems {
  const problems: Problems = { decode: [], invalid: [] };
  if (!isObject(metadata)) {
    problems.decode.push(mismatch(metadata, `${kind}.metadata`, 'v1.ObjectMeta'));
    return problems;
  }
  stringMap(metadata['labels'], `${kind}.metadata.labels`, problems);
  stringMap(metadata['annotations'], `${kind}.metadata.annotations`, problems);
  const name = metadata['name'];
  if (name !== undefined && typeof name !== 'string') problems.decode.push(mismatch(name, `${kind}.metadata.name`, 'string'));
  else if (!name && !metadata['generateName']) problems.invalid.push({ field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (name && (name.length > 253 || !SUBDOMAIN.test(name))) {
    problems.invalid.push({
      field: 'metadata.name',
      message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    });
  }
  return problems;
}

export const configMapFields: FieldCheck = (object) => {
  const problems: Problems = { decode: [], invalid: [] };
  const data = stringMap(object['data'], 'ConfigMap.data', problems);
  const binary = stringMap(object['binaryData'], 'ConfigMap.binaryData', problems);
  if (object['immutable'] !== undefined && object['immutable'] !== null && typeof object['immutable'] !== 'boolean') {
    problems.decode.push(mismatch(object['immutable'], 'ConfigMap.immutable', 'bool'));
  }
  let bytes = 0;
  for (const [key, value] of Object.entries(data)) {
    if (key.length > 253 || !DATA_KEY.test(key)) {
      problems.invalid.push({
        field: `data[${key}]`,
        message: `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.'`,
      });
    }
    if (key in binary) problems.invalid.push({ field: `data[${key}]`, message: `Invalid value: "${key}": duplicate of key present in binaryData` });
    bytes += key.length + Buffer.byteLength(String(value));
  }
  for (const [key, value] of Object.entries(binary)) bytes += key.length + Buffer.from(String(value), 'base64').length;
  if (bytes > MAX_CONFIGMAP_BYTES) problems.invalid.push({ field: '[]', message: `Too long: must have at most ${MAX_CONFIGMAP_BYTES} bytes` });
  return problems;
};

function integer(value: unknown, field: string, problems: Problems): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2 ** 31 - 1) {
    problems.decode.push(
      typeof value === 'number' ? `json: cannot unmarshal number ${value} into Go struct field ${field} of type int32` : mismatch(value, field, 'int32'),
    );
    return undefined;
  }
  return value;
}

export const leaseFields: FieldCheck = (object) => {
  const problems: Problems = { decode: [], invalid: [] };
  const spec = object['spec'];
  if (spec === undefined || spec === null) return problems;
  if (!isObject(spec)) {
    problems.decode.push(mismatch(spec, 'Lease.spec', 'v1.LeaseSpec'));
    return problems;
  }
  for (const field of ['holderIdentity', 'preferredHolder', 'strategy']) {
    const value = spec[field];
    if (value !== undefined && value !== null && typeof value !== 'string') problems.decode.push(mismatch(value, `Lease.spec.${field}`, 'string'));
  }
  for (const field of ['acquireTime', 'renewTime']) {
    const value = spec[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') problems.decode.push(mismatch(value, `Lease.spec.${field}`, 'v1.MicroTime'));
    else if (!MICRO_TIME.test(value)) {
      problems.decode.push(`parsing time "${value}" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "${value.slice(19)}" as ".000000"`);
    }
  }
  const duration = integer(spec['leaseDurationSeconds'], 'Lease.spec.leaseDurationSeconds', problems);
  if (duration !== undefined && duration <= 0)
    problems.invalid.push({ field: 'spec.leaseDurationSeconds', message: `Invalid value: ${duration}: must be greater than 0` });
  const transitions = integer(spec['leaseTransitions'], 'Lease.spec.leaseTransitions', problems);
  if (transitions !== undefined && transitions < 0) {
    problems.invalid.push({ field: 'spec.leaseTransitions', message: `Invalid value: ${transitions}: must be greater than or equal to 0` });
  }
  return problems;
};
