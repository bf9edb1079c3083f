import { useEffect, useState } from 'preact/hooks';

/** Hash routes: the manager serves one page at `/`, and the API owns every other path. */
export type Route =
  | { page: 'queues' }
  | { page: 'start' }
  | { page: 'queue'; id: string }
  | { page: 'data' }
  | { page: 'collection'; name: string }
  | { page: 'graph'; name: string; queue?: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [first, second, third] = parts;
  if (first === 'start') return { page: 'start' };
  if (first === 'data') return { page: 'data' };
  if (first === 'queues' && second) return { page: 'queue', id: second };
  if (first === 'collections' && second) return { page: 'collection', name: second };
  if (first === 'graphs' && second)
    return third ? { page: 'graph', name: second, queue: third } : { page: 'graph', name: second };
  return { page: 'queues' };
}

export const href = {
  queues: '#/',
  start: '#/start',
  data: '#/data',
  queue: (id: string) => `#/queues/${encodeURIComponent(id)}`,
  collection: (name: string) => `#/collections/${encodeURIComponent(name)}`,
  /** With a queue: the graph page also shows that queue's visualizer metrics live. */
  graph: (name: string, queue?: string) =>
    `#/graphs/${encodeURIComponent(name)}${queue === undefined ? '' : `/${encodeURIComponent(queue)}`}`,
};

export function navigate(to: string): void {
  location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
