import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

const streams = new WeakMap<FastifyInstance, Set<ServerResponse>>();

/**
 * Server-Sent Event responses never end by themselves, and closing the server waits for open
 * connections: without this, a browser tab left on the dashboard kept `streamforge up` from exiting on
 * Ctrl-C. The server ends them as it closes; a stream's own writes check `writableEnded`.
 */
export function endStreamsOnClose(app: FastifyInstance): void {
  const open = new Set<ServerResponse>();
  streams.set(app, open);
  app.addHook('preClose', (done) => {
    for (const out of open) out.end();
    done();
  });
}

/** Registers a hijacked streaming response, until it closes. */
export function trackStream(app: FastifyInstance, out: ServerResponse): void {
  const open = streams.get(app);
  if (!open) return;
  open.add(out);
  out.once('close', () => open.delete(out));
}
