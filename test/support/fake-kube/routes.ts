import { resourceType, type ResourceType } from './resources';
import { methodNotAllowed, pathNotFound } from './status';
import type { Verb } from './types';

export interface ApiRoute {
  type: ResourceType;
  verb: Verb;
  /** Undefined for a call across every namespace (list and watch only). */
  namespace: string | undefined;
  name: string | undefined;
}

// /api/v1/... or /apis/<group>/<version>/..., then [namespaces/<ns>/]<resource>[/<name>]
const CORE = /^\/api\/(v1)\/(.+)$/;
const GROUP = /^\/apis\/([^/]+)\/([^/]+)\/(.+)$/;
const SCOPED = /^(?:namespaces\/([^/]+)\/)?([^/]+)(?:\/([^/]+))?$/;

const isWatch = (query: URLSearchParams) => ['true', '1'].includes(query.get('watch') ?? '');

function verbOf(method: string, named: boolean, query: URLSearchParams): Verb {
  switch (method) {
    case 'GET':
      if (isWatch(query)) return 'watch';
      return named ? 'get' : 'list';
    case 'POST':
      if (!named) return 'create';
      break;
    case 'PUT':
      if (named) return 'update';
      break;
    case 'PATCH':
      if (named) return 'patch';
      break;
    case 'DELETE':
      if (named) return 'delete';
      break;
  }
  throw methodNotAllowed();
}

/** The resource, namespace, name and verb of an API path, or undefined when the path is not an API resource path. */
export function apiRoute(method: string, path: string, query: URLSearchParams): ApiRoute | undefined {
  const core = CORE.exec(path);
  const grouped = core ? undefined : GROUP.exec(path);
  const [group, version, rest] = core ? ['', core[1], core[2]] : grouped ? [grouped[1], grouped[2], grouped[3]] : [];
  if (version === undefined || rest === undefined) return undefined;
  const scoped = SCOPED.exec(rest);
  if (!scoped) return undefined;
  const [, namespace, plural = '', name] = scoped.map((part) => (part === undefined ? undefined : decodeURIComponent(part)));
  const type = resourceType(group ?? '', version, plural);
  if (!type) throw pathNotFound();
  const verb = verbOf(method, name !== undefined, query);
  if (namespace === undefined && !['list', 'watch'].includes(verb)) throw pathNotFound();
  return { type, verb, namespace, name };
}
