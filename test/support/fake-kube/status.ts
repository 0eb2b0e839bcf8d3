import type { ResourceType } from './resources';

/** A `Status` object as the API server writes it for a failed call (and in a watch ERROR event). */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: Array<{ reason?: string; message: string; field?: string }> };
  code: number;
}

/** A failed API call: the HTTP status and the Status body the client receives. */
export class KubeError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
  }
}

function failure(code: number, reason: string, message: string, details?: Status['details']): KubeError {
  return new KubeError({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details && { details }), code });
}

/** `configmaps` or `leases.coordination.k8s.io`, as messages name a resource. */
const qualified = (type: ResourceType) => (type.group ? `${type.plural}.${type.group}` : type.plural);

function details(type: ResourceType, name?: string): Status['details'] {
  return { ...(name !== undefined && { name }), ...(type.group && { group: type.group }), kind: type.plural };
}

export const notFound = (type: ResourceType, name: string) => failure(404, 'NotFound', `${qualified(type)} "${name}" not found`, details(type, name));

export const namespaceNotFound = (namespace: string) =>
  failure(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });

export const alreadyExists = (type: ResourceType, name: string) =>
  failure(409, 'AlreadyExists', `${qualified(type)} "${name}" already exists`, details(type, name));

export const conflict = (type: ResourceType, name: string) =>
  failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    details(type, name),
  );

export function forbidden(type: ResourceType, verb: string, user: string, namespace: string | undefined, name?: string): KubeError {
  const subject = name === undefined ? qualified(type) : `${qualified(type)} "${name}"`;
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace "${namespace}"`;
  const message = `${subject} is forbidden: User "${user}" cannot ${verb} resource "${type.plural}" in API group "${type.group}" ${scope}`;
  return failure(403, 'Forbidden', message, details(type, name));
}

export const unauthorized = () => failure(401, 'Unauthorized', 'Unauthorized');

export interface Cause {
  field: string;
  message: string;
}

/** 422 Invalid: each cause names the field and what was wrong with it. */
export function invalid(type: ResourceType, name: string, causes: Cause[]): KubeError {
  const message = `${type.kind} "${name}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`;
  const listed = causes.map((c) => ({ reason: 'FieldValueInvalid', message: c.message, field: c.field }));
  return failure(422, 'Invalid', message, { name, ...(type.group && { group: type.group }), kind: type.kind, causes: listed });
}

export const badRequest = (message: string) => failure(400, 'BadRequest', message);

export const pathNotFound = () => failure(404, 'NotFound', 'the server could not find the requested resource', {});

export const methodNotAllowed = () => failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});

export const unsupportedMediaType = (accepted: readonly string[]) =>
  failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);

export const internalError = (message: string) => failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });

/** What a watch from a compacted resourceVersion receives, as an ERROR event. */
export const expired = (requested: string, oldest: string) => failure(410, 'Expired', `too old resource version: ${requested} (${oldest})`);
