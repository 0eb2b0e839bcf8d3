import { randomBytes } from 'node:crypto';
import { apiVersion, type ResourceType } from './resources';
import { badRequest, invalid } from './status';
import type { KubeObject } from './types';
import { metadataProblems } from './validation';

// What the server keeps of a client's metadata; uid, creationTimestamp and the rest are its own.
const CLIENT_METADATA = ['name', 'generateName', 'namespace', 'labels', 'annotations', 'ownerReferences', 'finalizers', 'resourceVersion'];
const OBJECT_META = [
  ...CLIENT_METADATA,
  'selfLink',
  'uid',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
];

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

/** A random suffix as the API server appends to a generateName (consonants and digits). */
function suffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** The fields a strict decoder refuses, as `strict decoding error: unknown field "spec.holder"` names them. */
function unknownFields(type: ResourceType, value: Record<string, unknown>): string[] {
  const unknown = (object: unknown, known: readonly string[], prefix: string) =>
    isObject(object)
      ? Object.keys(object)
          .filter((k) => !known.includes(k))
          .map((k) => `unknown field "${prefix}${k}"`)
      : [];
  return [
    ...unknown(value, ['apiVersion', 'kind', 'metadata', ...type.fields], ''),
    ...unknown(value['metadata'], OBJECT_META, 'metadata.'),
    ...Object.entries(type.nested).flatMap(([field, known]) => unknown(value[field], known, `${field}.`)),
  ];
}

/**
 * Turns a request body into the object the server would store in `namespace`: type-checked (400),
 * validated (422), unknown fields dropped (or refused, `strict`), kind and apiVersion set.
 */
export function decodeObject(type: ResourceType, namespace: string, value: unknown, strict = false): KubeObject {
  const version = apiVersion(type);
  const cannot = (why: string) => badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${why}`);
  if (!isObject(value)) throw cannot('the body is not a JSON object');
  if (value['kind'] !== undefined && value['kind'] !== type.kind) throw badRequest(`the kind in the body (${String(value['kind'])}) is not ${type.kind}`);
  if (value['apiVersion'] !== undefined && value['apiVersion'] !== version) {
    throw badRequest(`the API version in the data (${String(value['apiVersion'])}) does not match the expected API version (${version})`);
  }
  const metadata = value['metadata'] ?? {};
  const problems = metadataProblems(metadata, type.kind);
  const fields = type.check(value);
  const decode = [...problems.decode, ...fields.decode];
  if (decode.length > 0) throw cannot(decode.join('; '));
  const unknown = strict ? unknownFields(type, value) : [];
  if (unknown.length > 0) throw cannot(`strict decoding error: ${unknown.join(', ')}`);
  const meta = metadata as Record<string, unknown>;
  const kept = Object.fromEntries(CLIENT_METADATA.filter((k) => meta[k] !== undefined && meta[k] !== null).map((k) => [k, meta[k]]));
  if (kept['namespace'] !== undefined && kept['namespace'] !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const name = typeof kept['name'] === 'string' && kept['name'] ? kept['name'] : `${String(kept['generateName'] ?? '')}${suffix()}`;
  const causes = [...problems.invalid, ...fields.invalid];
  if (causes.length > 0) throw invalid(type, name, causes);
  const object: KubeObject = { kind: type.kind, apiVersion: version, metadata: { ...kept, name, namespace } };
  for (const field of type.fields) if (value[field] !== undefined && value[field] !== null) object[field] = value[field];
  return object;
}
