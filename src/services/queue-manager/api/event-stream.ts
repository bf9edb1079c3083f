import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes } from '../../../protocol/index.ts';
import type { HubMessage } from '../queue-events-hub.ts';
import type { QueueService } from '../queue-service.ts';
import { isTerminalQueue } from '../rollup.ts';
import type { EventView } from '../request/schema.ts';
import { trackStream } from './open-streams.ts';

const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events of one queue: `telemetry` events (id = event id, so a reconnecting client resumes
 * with Last-Event-ID) and `status` events; ends after the queue reaches finished, failed or stopped.
 */
export async function streamEvents(
  service: QueueService,
  request: FastifyRequest,
  reply: FastifyReply,
  queueId: string,
  after: number,
): Promise<void> {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  trackStream(request.server, out);
  let lastId = after;
  let open = true;
  const pending: HubMessage[] = [];
  let replaying = true;
  const write = (event: string, data: unknown, id?: number): void => {
    if (open && !out.writableEnded)
      out.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const end = (): void => {
    if (!open) return;
    open = false;
    unsubscribe();
    clearInterval(heartbeat);
    out.end();
  };
  const deliver = (message: HubMessage): void => {
    if (message.kind === 'event') {
      if (message.event.id <= lastId) return;
      lastId = message.event.id;
      const e = message.event;
      const view: EventView = {
        id: e.id,
        telemetry_id: e.telemetry_id,
        attempt: e.attempt,
        event: e.event,
        sent_at: e.sent_at,
        received_at: e.received_at.toISOString(),
        records_written: e.payload.records_written ?? null,
        message: e.payload.message ?? null,
        error_message: e.payload.error_message ?? null,
        payload: e.payload,
      };
      write('telemetry', view, e.id);
      return;
    }
    write('status', { queue_id: queueId, status: message.status });
    if (isTerminalQueue(message.status)) end();
  };
  // Subscribe before reading history so nothing folded in between is missed; duplicates are skipped by id.
  const unsubscribe = service.hub.subscribe(queueId, (message) =>
    replaying ? pending.push(message) : deliver(message),
  );
  const heartbeat = setInterval(
    () => open && !out.writableEnded && out.write(': keep-alive\n\n'),
    HEARTBEAT_MS,
  );
  request.raw.on('close', end);
  try {
    for (;;) {
      const page = await service.events(queueId, { after: lastId, limit: 500 });
      for (const event of page.items) sendStored(event);
      if (page.next_after === null) break;
    }
    replaying = false;
    for (const message of pending.splice(0)) deliver(message);
    const view = await service.get(queueId);
    write('status', { queue_id: queueId, status: view.status });
    if (isTerminalQueue(view.status)) end();
  } catch (error) {
    // As in a 5xx answer: the details (SQL, hosts) go to the log, the client gets the code and request id.
    request.log.error({ err: error }, 'event stream failed');
    write('error', {
      code: ErrorCodes.INTERNAL,
      message: `reading the events failed (request ${request.id}; the details are in the server log)`,
    });
    end();
  }

  function sendStored(event: EventView): void {
    if (event.id <= lastId) return;
    lastId = event.id;
    write('telemetry', event, event.id);
  }
}
