import { useEffect, useRef } from 'preact/hooks';

/**
 * An EventSource for the lifetime of a component (or until `url` changes), with a handler per event
 * name. `null` opens nothing. The browser reconnects by itself after a network error; a stream the
 * server ended on purpose is closed by the handler calling `close`.
 */
export function useEventSource(
  url: string | null,
  handlers: Record<string, (data: unknown, close: () => void) => void>,
  /** Changing it opens a new stream on the same URL. */
  epoch = 0,
): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    if (url === null) return;
    const source = new EventSource(url);
    const close = (): void => source.close();
    for (const name of Object.keys(current.current)) {
      source.addEventListener(name, (event) => {
        const data = (event as MessageEvent<string>).data;
        current.current[name]?.(data ? (JSON.parse(data) as unknown) : null, close);
      });
    }
    return close;
  }, [url, epoch]);
}
