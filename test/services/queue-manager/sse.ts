import type { EventView } from '../../../src/services/queue-manager/index.ts';

/** The data of an SSE event: a telemetry event view or a status change. */
export type SseData = EventView & { queue_id: string; status: string };

/** Reads a Server-Sent Events stream to its end (or the timeout), returning every event. */
export async function readSse(
  url: string,
  timeoutMs = 30_000,
): Promise<{ event: string; id?: string; data: SseData }[]> {
  const events: { event: string; id?: string; data: SseData }[] = [];
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (res.status !== 200) throw new Error(`SSE answered ${res.status}: ${await res.text()}`);
  let buffer = '';
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    buffer += decoder.decode(chunk as Uint8Array, { stream: true });
    let at: number;
    while ((at = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, at);
      buffer = buffer.slice(at + 2);
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        fields[line.slice(0, colon)] = line.slice(colon + 1).trim();
      }
      if (fields.event)
        events.push({
          event: fields.event,
          id: fields.id,
          data: JSON.parse(fields.data ?? 'null') as SseData,
        });
    }
  }
  return events;
}
