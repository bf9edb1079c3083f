import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Health, ProbeResult } from '../../../runtime/index.ts';

/** /health/live, /health/ready, /health/startup (200 or 503 with the checks) and /metrics. */
export function opsRoutes(app: FastifyInstance, health: Health, registry: Registry): void {
  const probe = (path: string, summary: string, run: () => Promise<ProbeResult>): void => {
    app.get(path, { schema: { tags: ['health'], summary } }, async (_request, reply) => {
      const result = await run();
      return reply
        .status(result.ok ? 200 : 503)
        .send({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks });
    });
  };
  probe('/health/live', 'Not wedged: the telemetry loop polls', () => health.live());
  probe('/health/ready', 'Can take work: database and bus reachable', () => health.ready());
  probe('/health/startup', 'Migrated, topics created, jobs reconciled', () => health.startup());
  app.get(
    '/metrics',
    { schema: { tags: ['health'], summary: 'Prometheus metrics' } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
