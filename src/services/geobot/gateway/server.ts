import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Health, Logger } from '../../../runtime/index.ts';
// The queue manager's HTTP conventions, reused so that every StreamForge API answers errors alike.
import { rejectControlCharacters } from '../../queue-manager/api/control-characters.ts';
import {
  clientErrorHandler,
  errorHandler,
  frameworkErrors,
  notFoundHandler,
} from '../../queue-manager/api/http-errors.ts';
import { MAX_BODY_BYTES } from '../../queue-manager/api/limits.ts';
import { validatorCompiler } from '../../queue-manager/api/validation.ts';
import type { GeobotTopics } from '../topics.ts';
import type { GatewayMetrics } from './metrics.ts';
import type { EnvelopeProducer } from './producer.ts';
import { gatewayRoutes } from './routes.ts';

export interface GatewayApiOptions {
  producer: EnvelopeProducer;
  topics: GeobotTopics;
  health: Health;
  registry: Registry;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** The LK gateway's HTTP API: the four routes, probes, /metrics, OpenAPI (/docs/json) and Swagger UI (/docs). */
export async function buildGatewayApi(options: GatewayApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    frameworkErrors,
    clientErrorHandler,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('preValidation', rejectControlCharacters);
  app.removeContentTypeParser('text/plain');
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unknown';
    options.metrics.requests.inc({ route, status: String(reply.statusCode) });
    done();
  });
  const { topics } = options;
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'geobot LK gateway',
        description: `Seed 003's ЛК: each POST wraps its JSON body into the envelope {service, action, payload: {message, timestamp, data}} and produces it (${topics.createUser}, ${topics.updateUser}, ${topics.info}, ${topics.task}). 202 means the broker acknowledged it (acks=all, idempotent producer); a broker that does not acknowledge in time is 503 SF_BUS_UNREACHABLE, never a success. Every error answers {statusCode, error, code: SF_*, message, reasons?}. Bodies are application/json of at most ${MAX_BODY_BYTES / 1024} KiB.`,
        version: '0.1.0',
      },
      tags: [
        { name: 'geobot', description: 'Requests to ARM, WORKER and the log' },
        { name: 'health', description: 'Probes and metrics' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    reply.send({
      service: 'geobot LK gateway',
      docs: '/docs',
      openapi: '/docs/json',
      routes: ['/create_user', '/update_user', '/info', '/start_task'],
    }),
  );
  gatewayRoutes(app, topics, options.producer);
  opsRoutes(app, options.health, options.registry);
  await app.ready();
  return app;
}

function opsRoutes(app: FastifyInstance, health: Health, registry: Registry): void {
  const probes = [
    ['/health/live', 'The process answers', () => health.live()],
    ['/health/ready', 'The broker answers', () => health.ready()],
    ['/health/startup', 'Topics created, listening', () => health.startup()],
  ] as const;
  for (const [path, summary, run] of probes) {
    app.get(path, { schema: { tags: ['health'], summary } }, async (_request, reply) => {
      const result = await run();
      return reply
        .status(result.ok ? 200 : 503)
        .send({ status: result.ok ? 'ok' : 'unavailable', checks: result.checks });
    });
  }
  app.get(
    '/metrics',
    { schema: { tags: ['health'], summary: 'Prometheus metrics' } },
    async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()),
  );
}
