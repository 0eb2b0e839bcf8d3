import { badRequest, unsupportedMediaType } from './status';

export const MERGE_PATCH = 'application/merge-patch+json';
export const STRATEGIC_MERGE_PATCH = 'application/strategic-merge-patch+json';
const ACCEPTED = [MERGE_PATCH, STRATEGIC_MERGE_PATCH];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 7386: objects merge key by key, null deletes, anything else replaces. */
function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const merged: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key];
    else merged[key] = mergePatch(merged[key], value);
  }
  return merged;
}

/**
 * A strategic merge patch over ConfigMap and Lease, whose fields are maps and atomic lists only (no
 * list with a merge key that a client would patch): a merge patch, plus the `$patch: replace|delete`
 * directive on a map; the bookkeeping directives (`$retainKeys`, `$setElementOrder/...`) change nothing here.
 */
function strategicPatch(target: Json | undefined, patch: Json): Json | undefined {
  if (!isObject(patch)) return patch;
  const directive = patch['$patch'];
  if (directive === 'delete') return undefined;
  const merged: JsonObject = directive !== 'replace' && isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue;
    if (value === null) {
      delete merged[key];
      continue;
    }
    const next = strategicPatch(merged[key], value);
    if (next === undefined) delete merged[key];
    else merged[key] = next;
  }
  return merged;
}

/** Applies a PATCH body of `contentType` to `target`; 415 for a patch type this fake does not speak. */
export function applyPatch(contentType: string, target: Record<string, unknown>, body: string): Record<string, unknown> {
  const mediaType = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!ACCEPTED.includes(mediaType)) throw unsupportedMediaType(ACCEPTED);
  let patch: Json;
  try {
    patch = JSON.parse(body) as Json;
  } catch (error) {
    throw badRequest(`error decoding patch: ${(error as Error).message}`);
  }
  if (!isObject(patch)) throw badRequest('error decoding patch: the patch is not a JSON object');
  const patched = mediaType === MERGE_PATCH ? mergePatch(target as JsonObject, patch) : strategicPatch(target as JsonObject, patch);
  return patched as Record<string, unknown>;
}
