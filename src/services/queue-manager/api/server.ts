import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Health, Logger } from '../../../runtime/index.ts';
import type { QueueService } from '../queue-service.ts';
import type { GraphReader } from '../graphs/graph-reader.ts';
import type { QueueStore } from '../store/queue-store.ts';
import { DEFAULT_WEB_DIR, WebAssets } from '../web/web-assets.ts';
import { dashboardRoutes } from '../web/dashboard-routes.ts';
import { candleRoutes } from './candle-routes.ts';
import { collectionRoutes, type CollectionReader } from './collection-routes.ts';
import { graphRoutes } from './graph-routes.ts';
import { liveQueueRoutes } from './live-queue-routes.ts';
import { LiveQueues } from './live-queues.ts';
import { rejectControlCharacters } from './control-characters.ts';
import { clientErrorHandler, errorHandler, frameworkErrors, notFoundHandler } from './http-errors.ts';
import { JSON_MEDIA_TYPE, MAX_BODY_BYTES, MAX_BODY_DEPTH, MAX_PATH_PARAM_LENGTH } from './limits.ts';
import { endStreamsOnClose } from './open-streams.ts';
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
  /** For the live queue list (GET /streams/queues): one read of many queues' jobs. */
  store: QueueStore;
  /** Serves GET /graphs/{name} when given. */
  graphs?: GraphReader;
  /** The built dashboard served at `/` (default: dist/web of this checkout). */
  webDir?: string;
}

/** The REST API: queues, health, metrics, the OpenAPI document (/docs/json) and Swagger UI (/docs). */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  // Typed as a plain instance: the pino logger type would otherwise leak into every route helper.
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'http' }),
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    // Long enough for every id the schemas accept, so 101-200 characters is validated, not a 414.
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors,
    clientErrorHandler,
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.addHook('preValidation', rejectControlCharacters);
  // JSON only: a text/plain body was parsed as a string and failed validation with a confusing reason.
  app.removeContentTypeParser('text/plain');
  endStreamsOnClose(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'StreamForge queue manager',
        description: `Start, watch, stop, terminate and retry queues of market-data jobs. Mutating routes need a bearer token when QUEUE_MANAGER_TOKEN is set. Every error answers {statusCode, error, code: SF_*, message, reasons?}; unknown routes are 404 SF_NOT_FOUND. Bodies are ${JSON_MEDIA_TYPE} of at most ${MAX_BODY_BYTES} bytes (${MAX_BODY_BYTES / 1024} KiB, else 413), nested at most ${MAX_BODY_DEPTH} levels; control characters (U+0000-U+001F, U+007F) in a path, query or body are a 400.`,
        version: '0.1.0',
      },
      tags: [
        { name: 'queues', description: 'Queues and their jobs' },
        { name: 'collections', description: 'Datasets the connectors and the graph-builder wrote' },
        { name: 'health', description: 'Probes and metrics' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  dashboardRoutes(app, WebAssets.load(options.webDir ?? DEFAULT_WEB_DIR));
  queueRoutes(app, options.service, options.token);
  liveQueueRoutes(app, new LiveQueues(options.service, options.store));
  opsRoutes(app, options.health, options.registry);
  if (options.collections) {
    collectionRoutes(app, options.collections);
    candleRoutes(app, options.collections);
  }
  if (options.graphs) graphRoutes(app, options.graphs);
  await app.ready();
  return app;
}
