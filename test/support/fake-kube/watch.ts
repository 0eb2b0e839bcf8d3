import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersion } from './resources';
import type { ApiRoute } from './routes';
import { fieldSelector, labelSelector } from './selectors';
import { badRequest, expired } from './status';
import type { ObjectStore, StoredEvent } from './store';

interface OpenWatch {
  end(): void;
  destroy(): void;
}

/** The open watch streams, so a test can count them and cut them. */
export class WatchRegistry {
  private readonly open = new Set<OpenWatch>();

  add(watch: OpenWatch): () => void {
    this.open.add(watch);
    return () => this.open.delete(watch);
  }

  count(): number {
    return this.open.size;
  }

  drop(how: 'end' | 'destroy'): number {
    const dropped = [...this.open];
    for (const watch of dropped) watch[how]();
    return dropped.length;
  }
}

function nonNegativeInteger(query: URLSearchParams, key: string): number | undefined {
  const raw = query.get(key);
  if (raw === null || raw === '') return undefined;
  if (!/^\d+$/.test(raw)) throw badRequest(`${key}: Invalid value: "${raw}": must be a non-negative integer`);
  return Number(raw);
}

/**
 * Serves `?watch=true` as the API server does: a chunked 200 of newline-delimited JSON events.
 * Without a resourceVersion (or with "0") it starts with an ADDED event per matching object; from a
 * resourceVersion it replays the changes after it, or sends one ERROR event (410 Expired) when those
 * are no longer kept. It ends after `timeoutSeconds` (with a BOOKMARK first when the client allows them).
 */
export function serveWatch(
  req: IncomingMessage,
  res: ServerResponse,
  route: ApiRoute,
  query: URLSearchParams,
  { store, watches }: { store: ObjectStore; watches: WatchRegistry },
): void {
  const { type, namespace, name } = route;
  const byField = fieldSelector(query.get('fieldSelector'));
  const byLabel = labelSelector(query.get('labelSelector'));
  const timeoutSeconds = nonNegativeInteger(query, 'timeoutSeconds');
  const from = query.get('resourceVersion') ?? '';
  if (from !== '' && !/^\d+$/.test(from)) throw badRequest(`resourceVersion: Invalid value: "${from}": must be an integer`);
  const matches = (e: StoredEvent) =>
    e.resource === type.plural &&
    (namespace === undefined || e.object.metadata.namespace === namespace) &&
    (name === undefined || e.object.metadata.name === name) &&
    byField(e.object) &&
    byLabel(e.object);

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  res.flushHeaders();
  const send = (event: unknown) => res.write(`${JSON.stringify(event)}\n`);

  const backlog =
    from === '' || from === '0'
      ? store.list(type.plural, namespace).map((object) => ({ type: 'ADDED' as const, resource: type.plural, object, rv: 0 }))
      : store.since(Number(from));
  if (!backlog) {
    send({ type: 'ERROR', object: expired(from, String(store.oldest())).status });
    res.end();
    return;
  }
  for (const event of backlog.filter(matches)) send({ type: event.type, object: event.object });
  const unsubscribe = store.subscribe((event) => {
    if (matches(event)) send({ type: event.type, object: event.object });
  });

  const finish = () => {
    clearTimeout(timer);
    unsubscribe();
    unregister();
  };
  const end = () => {
    finish();
    res.end();
  };
  const timer =
    timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          if (query.get('allowWatchBookmarks') === 'true') {
            send({ type: 'BOOKMARK', object: { kind: type.kind, apiVersion: apiVersion(type), metadata: { resourceVersion: String(store.revisionNow()) } } });
          }
          end();
        }, timeoutSeconds * 1000);
  const unregister = watches.add({
    end,
    destroy: () => {
      finish();
      req.socket.destroy();
    },
  });
  res.once('close', finish);
}
