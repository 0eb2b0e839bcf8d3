import type { KubeConnection } from './kube-connection';
import type { ConfigMap } from './kube-objects';
import { KubeApiError, openRequest, readAll, statusError } from './kube-request';

export type WatchEnd = 'ended' | 'expired';

/**
 * Watches one ConfigMap from `resourceVersion` (a watch with a field selector on its name, which RBAC
 * allows by `resourceNames`), calling `onChange` for every ADDED or MODIFIED event. Resolves `ended`
 * when the server closes the stream cleanly (it does after its timeout), `expired` when the
 * resourceVersion is too old (410: get the object again); rejects with a KubeApiError when refused or
 * dropped. Stopped by `signal`.
 */
export async function watchConfigMap(
  conn: KubeConnection,
  name: string,
  resourceVersion: string,
  onChange: (configMap: ConfigMap) => void,
  signal: AbortSignal,
): Promise<WatchEnd> {
  const query = new URLSearchParams({ watch: 'true', fieldSelector: `metadata.name=${name}`, resourceVersion, timeoutSeconds: '300' });
  const path = `/api/v1/namespaces/${encodeURIComponent(conn.namespace)}/configmaps?${query}`;
  const res = await openRequest(conn, { method: 'GET', path, signal, timeoutMs: 330_000 });
  if (res.statusCode !== 200) throw statusError({ method: 'GET', path }, res.statusCode ?? 0, await readAll(res).catch(() => ''));
  let buffered = '';
  let end: WatchEnd = 'ended';
  try {
    for await (const chunk of res) {
      buffered += (chunk as Buffer).toString('utf8');
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline).trim();
        buffered = buffered.slice(newline + 1);
        if (line === '') continue;
        let event: { type: string; object: ConfigMap & { code?: number } };
        try {
          event = JSON.parse(line) as typeof event;
        } catch {
          // JSON.parse's message quotes the line: say only what was wrong.
          throw new KubeApiError(`watch ${name}: an event is not JSON`, 0, 'WatchDropped');
        }
        if (event.type === 'ERROR') {
          if (event.object.code === 410) end = 'expired';
          else throw new KubeApiError(`watch ${name}: error event ${event.object.code ?? ''}`, event.object.code ?? 0, 'WatchError');
        } else if (event.type === 'ADDED' || event.type === 'MODIFIED') onChange(event.object);
      }
    }
  } catch (error) {
    if (signal.aborted) return 'ended';
    if (error instanceof KubeApiError) throw error;
    throw new KubeApiError(`watch ${name}: the stream broke off (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 0, 'WatchDropped');
  }
  // An abrupt close can also end the iteration without an error: only `complete` says it ended cleanly.
  if (!res.complete && !signal.aborted) throw new KubeApiError(`watch ${name}: the stream broke off`, 0, 'WatchDropped');
  return end;
}
