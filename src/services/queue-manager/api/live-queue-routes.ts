import type { Static } from '@sinclair/typebox';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { ErrorSchema, ListQuerySchema } from '../request/schema.ts';
import { EVENT_STREAM_MEDIA_TYPE } from './limits.ts';
import type { LiveQueue, LiveQueues } from './live-queues.ts';
import { trackStream } from './open-streams.ts';

const HEARTBEAT_MS = 15_000;

/**
 * GET /streams/queues: the queue list as Server-Sent Events, what the dashboard's list shows with no
 * polling. A `page` event first (the page GET /queues answers for the same filters, each queue with
 * records_total and progress), then a `queue` event for every queue that changes, any page and any
 * filter (the client keeps the ones it shows), coalesced to a few per second per queue.
 */
export function liveQueueRoutes(app: FastifyInstance, live: LiveQueues): void {
  app.get<{ Querystring: Static<typeof ListQuerySchema> }>(
    '/streams/queues',
    {
      schema: {
        tags: ['queues'],
        summary: 'The queue list, live (Server-Sent Events): a page, then every change',
        querystring: ListQuerySchema,
        response: {
          200: {
            description:
              '`page` ({items, total, next_cursor}: the queues of GET /queues plus records_total and progress 0..1), then `queue` events (one such item, for any queue that changed); `: keep-alive` comments every 15 s',
            content: { [EVENT_STREAM_MEDIA_TYPE]: { schema: { type: 'string' } } },
          },
          400: ErrorSchema,
          503: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      // Subscribe before reading the page so a change in between is sent (twice at worst, never lost).
      const early: LiveQueue[] = [];
      // Set once the page is read and the response started; until then changes wait in `early`.
      const stream: { out?: ServerResponse } = {};
      let open = true;
      const write = (event: string, data: unknown): void => {
        if (open && stream.out && !stream.out.writableEnded)
          stream.out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      };
      const unsubscribe = live.subscribe((queue) => (stream.out ? write('queue', queue) : early.push(queue)));
      let page;
      try {
        page = await live.page(request.query);
      } catch (error) {
        unsubscribe();
        throw error;
      }
      reply.hijack();
      const out = (stream.out = reply.raw);
      trackStream(app, out);
      out.writeHead(200, {
        'content-type': EVENT_STREAM_MEDIA_TYPE,
        'cache-control': 'no-cache',
        connection: 'keep-alive',
      });
      const heartbeat = setInterval(
        () => open && !out.writableEnded && out.write(': keep-alive\n\n'),
        HEARTBEAT_MS,
      );
      request.raw.on('close', () => {
        open = false;
        clearInterval(heartbeat);
        unsubscribe();
      });
      write('page', page);
      for (const queue of early.splice(0)) write('queue', queue);
      return reply;
    },
  );
}
