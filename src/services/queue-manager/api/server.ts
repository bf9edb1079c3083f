import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Health, Logger } from '../../../runtime/index.ts';
import type { QueueService } from '../queue-service.ts';
import { collectionRoutes, type CollectionReader } from './collection-routes.ts';
import { errorHandler } from './http-errors.ts';
import { opsRoutes } from './ops-routes.ts';
import { queueRoutes } from './queue-routes.ts';
import { validatorCompiler } from './validation.ts';

export interface ApiOptions {
  service: QueueService;
  health: Health;
  registry: Registry;
  token: string | undefined;
  logger: Logger;
  /** Serves GET /collections/{name} when given. */
  collections?: CollectionReader;
}

/** The REST API: queues, health, metrics, the OpenAPI document (/docs/json) and Swagger UI (/docs). */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  // Typed as a plain instance: the pino logger type would otherwise leak into every route helper.
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'StreamForge queue manager',
        description:
          'Start, watch, stop, terminate and retry queues of market-data jobs. Mutating routes need a bearer token when QUEUE_MANAGER_TOKEN is set.',
        version: '0.1.0',
      },
      tags: [
        { name: 'queues', description: 'Queues and their jobs' },
        { name: 'collections', description: 'Datasets the connectors wrote' },
        { name: 'health', description: 'Probes and metrics' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/', { schema: { hide: true } }, (_request, reply) =>
    reply.send({
      service: 'streamforge queue manager',
      docs: '/docs',
      openapi: '/docs/json',
      queues: '/queues',
    }),
  );
  queueRoutes(app, options.service, options.token);
  opsRoutes(app, options.health, options.registry);
  if (options.collections) collectionRoutes(app, options.collections);
  await app.ready();
  return app;
}
