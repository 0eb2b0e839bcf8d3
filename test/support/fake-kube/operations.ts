import { isDeepStrictEqual } from 'node:util';
import { decodeObject, parseJson } from './decode';
import { applyPatch } from './patch';
import { apiVersion, type ResourceType } from './resources';
import type { ApiRoute } from './routes';
import { fieldSelector, labelSelector } from './selectors';
import { alreadyExists, badRequest, conflict, internalError, namespaceNotFound, notFound } from './status';
import type { ObjectStore } from './store';
import type { KubeObject } from './types';

export interface OperationDeps {
  store: ObjectStore;
  namespaces: ReadonlySet<string>;
}

export interface Request {
  route: ApiRoute;
  query: URLSearchParams;
  contentType: string;
  body: string;
}

export interface Answer {
  status: number;
  body: unknown;
}

/** Named routes carry a name; the router guarantees it for get, update, patch and delete. */
const nameOf = (route: ApiRoute) => route.name ?? '';
const namespaceOf = (route: ApiRoute) => route.namespace ?? '';

function existing(deps: OperationDeps, route: ApiRoute): KubeObject {
  const found = deps.store.get(route.type.plural, namespaceOf(route), nameOf(route));
  if (!found) throw notFound(route.type, nameOf(route));
  return found;
}

const withoutVersion = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });

/** Stores `next` over `current`: the resourceVersion precondition, and no write (no new version, no event) when nothing changed. */
function update(deps: OperationDeps, route: ApiRoute, next: KubeObject, current: KubeObject): Answer {
  if (next.metadata.name !== nameOf(route)) {
    throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${nameOf(route)})`);
  }
  const expected = next.metadata.resourceVersion;
  if (expected !== undefined && expected !== '' && expected !== current.metadata.resourceVersion) throw conflict(route.type, nameOf(route));
  const merged: KubeObject = { ...next, metadata: { ...next.metadata, uid: current.metadata.uid, creationTimestamp: current.metadata.creationTimestamp } };
  if (isDeepStrictEqual(withoutVersion(merged), withoutVersion(current))) return { status: 200, body: current };
  return { status: 200, body: deps.store.replace(route.type.plural, next, current) };
}

function list(deps: OperationDeps, route: ApiRoute, query: URLSearchParams): Answer {
  const byField = fieldSelector(query.get('fieldSelector'));
  const byLabel = labelSelector(query.get('labelSelector'));
  const type: ResourceType = route.type;
  // Items of a typed list carry no kind or apiVersion, as the API server writes them.
  const items = deps.store
    .list(type.plural, route.namespace)
    .filter((o) => byField(o) && byLabel(o))
    .map(({ kind: _kind, apiVersion: _version, ...rest }) => rest);
  return {
    status: 200,
    body: { kind: `${type.kind}List`, apiVersion: apiVersion(type), metadata: { resourceVersion: String(deps.store.revisionNow()) }, items },
  };
}

function remove(deps: OperationDeps, route: ApiRoute, body: string): Answer {
  const current = existing(deps, route);
  const options = body.trim() === '' ? {} : (parseJson(body) as { preconditions?: { resourceVersion?: string; uid?: string } });
  const { resourceVersion, uid } = options.preconditions ?? {};
  if ((resourceVersion && resourceVersion !== current.metadata.resourceVersion) || (uid && uid !== current.metadata.uid)) {
    throw conflict(route.type, nameOf(route));
  }
  deps.store.remove(route.type.plural, namespaceOf(route), nameOf(route));
  const { plural: kind, group } = route.type;
  return {
    status: 200,
    body: {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: nameOf(route), ...(group && { group }), kind, uid: current.metadata.uid },
    },
  };
}

/** Serves one non-watch API call against the store. */
export function operate(deps: OperationDeps, { route, query, contentType, body }: Request): Answer {
  const { type } = route;
  const namespace = namespaceOf(route);
  const strict = query.get('fieldValidation') === 'Strict';
  switch (route.verb) {
    case 'get':
      return { status: 200, body: existing(deps, route) };
    case 'list':
      return list(deps, route, query);
    case 'create': {
      if (!deps.namespaces.has(namespace)) throw namespaceNotFound(namespace);
      const object = decodeObject(type, namespace, parseJson(body), strict);
      if (object.metadata.resourceVersion) throw internalError('resourceVersion should not be set on objects to be created');
      if (deps.store.get(type.plural, namespace, object.metadata.name)) throw alreadyExists(type, object.metadata.name);
      return { status: 201, body: deps.store.create(type.plural, object) };
    }
    case 'update': {
      const next = decodeObject(type, namespace, parseJson(body), strict);
      return update(deps, route, next, existing(deps, route));
    }
    case 'patch': {
      const current = existing(deps, route);
      const patched = applyPatch(contentType, current, body);
      const requested = (patched['metadata'] as { resourceVersion?: unknown } | undefined)?.resourceVersion;
      if (requested !== undefined && requested !== current.metadata.resourceVersion) throw conflict(type, nameOf(route));
      return update(deps, route, decodeObject(type, namespace, patched, strict), current);
    }
    case 'delete':
      return remove(deps, route, body);
    default:
      throw badRequest(`the verb ${route.verb} is served as a stream`);
  }
}
