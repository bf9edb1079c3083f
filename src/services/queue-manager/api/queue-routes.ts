import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  ControlResultSchema,
  ErrorSchema,
  EventListSchema,
  EventsQuerySchema,
  JobParamsSchema,
  ListQuerySchema,
  QueueListSchema,
  QueueParamsSchema,
  QueueViewSchema,
  startQueueSchema,
  type StartQueue,
  StartedQueueSchema,
} from '../request/schema.ts';
import type { QueueService } from '../queue-service.ts';
import { bearerAuth } from './auth.ts';
import { streamEvents } from './event-stream.ts';
import {
  EVENT_STREAM_MEDIA_TYPE,
  JSON_MEDIA_TYPE,
  MAX_BODY_BYTES,
  MAX_PATH_PARAM_LENGTH,
  MAX_QUEUE_ID_LENGTH,
} from './limits.ts';

/** An error answer in the OpenAPI document: the one error shape, and when it happens. */
const error = (description: string) => ({ ...ErrorSchema, description });

/** Every route can answer these. */
const errors = {
  400: error(
    'SF_INVALID_REQUEST: the path, query or body is invalid (a control character anywhere included); `reasons` lists every problem',
  ),
  500: error(
    'SF_INTERNAL: an unexpected failure; the message has the request id, the details are only in the log',
  ),
  503: error('SF_STORE_UNAVAILABLE or SF_BUS_UNREACHABLE: the database or the bus is down; retry later'),
};
/** Routes with an id in the path. */
const byId = {
  404: error('SF_NOT_FOUND: no such queue or job'),
  414: error(
    `SF_URI_TOO_LONG: a path parameter of more than ${MAX_PATH_PARAM_LENGTH} characters as sent (ids are at most ${MAX_QUEUE_ID_LENGTH}; longer ones up to that are a 400)`,
  ),
};
const conflict = { 409: error('SF_CONFLICT: the verb does not fit the state of the queue or job') };
/** Mutating routes (POST). */
const mutating = {
  401: error('SF_UNAUTHORIZED: QUEUE_MANAGER_TOKEN is set and the bearer token is missing or wrong'),
  413: error(`SF_PAYLOAD_TOO_LARGE: a body of more than ${MAX_BODY_BYTES} bytes`),
  415: error(`SF_UNSUPPORTED_MEDIA_TYPE: a body that is not ${JSON_MEDIA_TYPE}`),
};

export function queueRoutes(app: FastifyInstance, service: QueueService, token: string | undefined): void {
  const auth = bearerAuth(token);
  const security = token === undefined ? {} : { security: [{ bearer: [] }] };

  // The targets and their request fields come from the job definitions the manager runs with.
  const StartQueueSchema = startQueueSchema(service.definitions);
  app.post<{ Body: StartQueue }>(
    '/queues/start',
    {
      onRequest: auth,
      schema: {
        tags: ['queues'],
        summary: 'Start a queue of jobs',
        description:
          'Takes seed 004 payloads verbatim ("microservices" is an alias of "requests"). Answers with the queue_id and, per job, its telemetry_id, Kubernetes Job name, data topic, collection and what its named inputs resolved to. An input no job of the queue writes is a 400 SF_INPUT_UNRESOLVED naming it.',
        body: StartQueueSchema,
        response: { 201: StartedQueueSchema, ...errors, ...mutating },
        ...security,
      },
    },
    async (request, reply) => reply.status(201).send(await service.start(request.body)),
  );

  app.get<{ Querystring: Static<typeof ListQuerySchema> }>(
    '/queues',
    {
      schema: {
        tags: ['queues'],
        summary: 'List queues, newest first (paginated in the database)',
        querystring: ListQuerySchema,
        response: { 200: QueueListSchema, ...errors },
      },
    },
    async (request) => service.list(request.query),
  );

  app.get<{ Params: Static<typeof QueueParamsSchema> }>(
    '/queues/:id',
    {
      schema: {
        tags: ['queues'],
        summary: 'A queue and its jobs: status, last telemetry, records, progress, timings, errors',
        params: QueueParamsSchema,
        response: { 200: QueueViewSchema, ...errors, ...byId },
      },
    },
    async (request) => service.get(request.params.id),
  );

  app.get<{ Params: Static<typeof QueueParamsSchema>; Querystring: Static<typeof EventsQuerySchema> }>(
    '/queues/:id/events',
    {
      schema: {
        tags: ['queues'],
        summary: 'Telemetry history (paginated by id), or a live stream of it (Server-Sent Events)',
        description:
          'With ?stream=true or "Accept: text/event-stream": the history after ?after (or Last-Event-ID), then events as they are folded; the stream ends when the queue does.',
        params: QueueParamsSchema,
        querystring: EventsQuerySchema,
        response: {
          200: {
            description:
              'JSON: a page of events. Server-Sent Events: `telemetry` events (id = event id, data = one event as in the JSON page), `status` events ({queue_id, status}), and an `error` event ({code, message}) if reading fails; `: keep-alive` comments every 15 s',
            content: {
              [JSON_MEDIA_TYPE]: { schema: EventListSchema },
              [EVENT_STREAM_MEDIA_TYPE]: { schema: { type: 'string' } },
            },
          },
          ...errors,
          ...byId,
        },
      },
    },
    async (request, reply) => {
      const wantsStream =
        request.query.stream === true || (request.headers.accept ?? '').includes('text/event-stream');
      if (!wantsStream) return service.events(request.params.id, request.query);
      const lastId = Number(request.headers['last-event-id']);
      await service.get(request.params.id); // 404 before the stream starts
      await streamEvents(
        service,
        request,
        reply,
        request.params.id,
        Number.isFinite(lastId) ? lastId : (request.query.after ?? 0),
      );
      return reply;
    },
  );

  const control = (verb: 'stop' | 'terminate', summary: string): void => {
    app.post<{ Params: Static<typeof QueueParamsSchema> }>(
      `/queues/:id/${verb}`,
      {
        onRequest: auth,
        schema: {
          tags: ['queues'],
          summary,
          params: QueueParamsSchema,
          response: { 202: ControlResultSchema, ...errors, ...byId, ...mutating, ...conflict },
          ...security,
        },
      },
      async (request, reply) => reply.status(202).send(await service[verb](request.params.id)),
    );
  };
  control(
    'stop',
    'Stop gracefully: pending jobs never start, running jobs get "stop" and publish "interrupted"',
  );
  control(
    'terminate',
    'Terminate now: the launcher kills every active job (Kubernetes: delete, propagationPolicy Background)',
  );

  app.post<{ Params: Static<typeof JobParamsSchema> }>(
    '/queues/:id/jobs/:telemetry_id/retry',
    {
      onRequest: auth,
      schema: {
        tags: ['queues'],
        summary: 'Retry a failed, lost, stopped or terminated job as a new attempt (same telemetry_id)',
        params: JobParamsSchema,
        response: { 202: ControlResultSchema, ...errors, ...byId, ...mutating, ...conflict },
        ...security,
      },
    },
    async (request, reply) =>
      reply.status(202).send(await service.retry(request.params.id, request.params.telemetry_id)),
  );
}
