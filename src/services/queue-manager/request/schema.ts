import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import type { JobDefinition } from '../../../launcher/index.ts';
import { durationField } from '../../../protocol/index.ts';
import { MAX_QUEUE_ID_LENGTH, MAX_TELEMETRY_ID_LENGTH } from '../api/limits.ts';

/**
 * The REST schemas, in TypeBox: Fastify validates requests and serializes answers with them, and the
 * OpenAPI document at /docs/json is generated from the same objects.
 */

/** `T | null` as a JSON-schema type list: documents as nullable and serializes fast. */
function nullable<T extends TSchema>(schema: T) {
  const { type } = schema as unknown as { type: string };
  return Type.Unsafe<Static<T> | null>({ ...schema, type: [type, 'null'] });
}

/** A string enum, documented as `enum`; for response schemas (serialized, never compiled by TypeBox). */
function stringEnum<const T extends readonly string[]>(values: T, description?: string) {
  return Type.Unsafe<T[number]>({
    type: 'string',
    enum: [...values],
    ...(description ? { description } : {}),
  });
}

/** The fields of every request, whatever its target. */
const BASE_FIELDS = {
  type: Type.String({
    minLength: 1,
    maxLength: 64,
    description:
      'data type: api_candles_<interval>, api_trades, ws_candles_<interval>, ws_trades, gnn_graph, …',
    examples: ['api_candles_5m'],
  }),
  interval: Type.Optional(durationField('candle interval; must match the type')),
};
const REQUEST_OPTIONS = {
  additionalProperties: true,
  description: 'one job; other fields reach the job as UPPER_SNAKE environment variables',
};
const REQUESTS = { minItems: 1, maxItems: 50 };

const START_FIELDS = {
  symbol: Type.String({
    pattern: '^[A-Za-z0-9]{1,40}$',
    description: 'e.g. BTCUSDT',
    examples: ['BTCUSDT'],
  }),
  time_range: Type.String({
    pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}:[0-9]{4}-[0-9]{2}-[0-9]{2}$',
    description: 'UTC days, both ends inclusive: YYYY-MM-DD:YYYY-MM-DD',
    examples: ['2024-06-01:2024-06-30'],
  }),
};

/** A job request as the code sees it; the fields of its target's definition are in its rest. */
export interface JobRequest {
  target: string;
  type: string;
  interval?: string | undefined;
  [field: string]: unknown;
}

/**
 * The body of POST /queues/start for the targets `definitions` describe: each definition's request
 * fields join the schema (the first definition declaring a field gives its schema), so the OpenAPI
 * document lists every target and field there is.
 */
export function startQueueSchema(
  definitions: readonly Pick<JobDefinition, 'target' | 'summary' | 'fields'>[],
) {
  const fields: TProperties = {};
  for (const definition of definitions)
    for (const [name, schema] of Object.entries(definition.fields)) fields[name] ??= schema;
  const request = Type.Object(
    {
      target: Type.String({
        enum: definitions.map((d) => d.target),
        description: `which worker runs the job: ${definitions.map((d) => `${d.target} ${d.summary}`).join('; ')}`,
      }),
      ...BASE_FIELDS,
      ...fields,
    },
    REQUEST_OPTIONS,
  );
  const requests = Type.Array(request, REQUESTS);
  return Type.Object(
    {
      ...START_FIELDS,
      requests: Type.Optional(requests),
      microservices: Type.Optional({ ...requests, description: 'alias of requests' }),
    },
    { additionalProperties: false },
  );
}

/** The body as the code sees it, whatever the targets. */
export interface StartQueue {
  symbol: string;
  time_range: string;
  requests?: JobRequest[] | undefined;
  microservices?: JobRequest[] | undefined;
}

export const QUEUE_STATUSES = ['pending', 'running', 'finished', 'failed', 'stopped'] as const;
export type QueueStatus = (typeof QUEUE_STATUSES)[number];
export const JOB_STATUSES = [
  'pending',
  'launching',
  'running',
  'stopping',
  'finished',
  'failed',
  'stopped',
  'terminated',
  'lost',
] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

const Time = nullable(Type.String({ format: 'date-time' }));

export const ResolvedInputSchema = Type.Object({
  field: Type.String({ description: 'the request field, e.g. collection_inputs' }),
  name: Type.String({ description: 'the name the request gave' }),
  resolved_collection: Type.String({ description: 'the collection the job reads (its environment has it)' }),
  from_job: nullable(
    Type.String({
      description: 'telemetry_id of the job of this queue that writes it; null: an existing collection',
    }),
  ),
});
export type ResolvedInput = Static<typeof ResolvedInputSchema>;

export const PlannedJobSchema = Type.Object({
  telemetry_id: Type.String(),
  target: Type.String(),
  type: Type.String(),
  streaming: Type.Boolean({ description: 'runs until stopped; never waits for other jobs' }),
  job_name: Type.String({ description: 'Kubernetes Job name of the current attempt (DNS-1123, ≤ 63)' }),
  topic: Type.String(),
  collection: Type.String(),
  depends_on: Type.Array(Type.String(), { description: 'telemetry_ids that must finish first' }),
  inputs: Type.Array(ResolvedInputSchema, {
    description: 'the collections it reads: each name of the request and what it resolved to',
  }),
  status: stringEnum(JOB_STATUSES),
});

export const JobViewSchema = Type.Object({
  ...PlannedJobSchema.properties,
  attempt: Type.Integer(),
  records_written: Type.Integer(),
  records_total: nullable(Type.Integer()),
  progress: nullable(Type.Number({ description: 'records_written / records_total, 0..1' })),
  last_event: nullable(
    Type.Object({}, { additionalProperties: true, description: 'the newest telemetry event' }),
  ),
  error: nullable(Type.Object({ message: Type.String(), code: nullable(Type.String()) })),
  launched_at: Time,
  started_at: Time,
  finished_at: Time,
  last_seen_at: Time,
  duration_seconds: nullable(Type.Number()),
});
export type JobView = Static<typeof JobViewSchema>;

const QueueBase = {
  queue_id: Type.String(),
  status: stringEnum(QUEUE_STATUSES),
  symbol: Type.String(),
  time_range: Type.String(),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  started_at: Time,
  finished_at: Time,
  stop_requested_at: Time,
  records_written: Type.Integer({ description: 'sum over the jobs' }),
  jobs_by_status: Type.Record(Type.String(), Type.Integer()),
};

export const QueueSummarySchema = Type.Object(QueueBase);
export type QueueSummary = Static<typeof QueueSummarySchema>;
export const QueueViewSchema = Type.Object({ ...QueueBase, jobs: Type.Array(JobViewSchema) });
export type QueueView = Static<typeof QueueViewSchema>;

export const StartedQueueSchema = Type.Object({
  queue_id: Type.String(),
  status: stringEnum(QUEUE_STATUSES),
  symbol: Type.String(),
  time_range: Type.String(),
  jobs: Type.Array(PlannedJobSchema),
});

export type StartedQueue = Static<typeof StartedQueueSchema>;

export const QueueListSchema = Type.Object({
  items: Type.Array(QueueSummarySchema),
  total: Type.Integer({ description: 'queues matching the filters' }),
  next_cursor: nullable(Type.String({ description: 'pass as ?cursor= for the next page' })),
});

export type QueueList = Static<typeof QueueListSchema>;

export const ListQuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Union(QUEUE_STATUSES.map((s) => Type.Literal(s)))),
    symbol: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,40}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ pattern: '^[0-9]+$' })),
  },
  { additionalProperties: false },
);

export const EventViewSchema = Type.Object({
  id: Type.Integer(),
  telemetry_id: Type.String(),
  attempt: Type.Integer(),
  event: Type.String(),
  sent_at: Type.Number(),
  received_at: Type.String({ format: 'date-time' }),
  records_written: nullable(Type.Integer()),
  message: nullable(Type.String()),
  error_message: nullable(Type.String()),
  payload: Type.Object({}, { additionalProperties: true }),
});
export type EventView = Static<typeof EventViewSchema>;

export const EventListSchema = Type.Object({
  items: Type.Array(EventViewSchema),
  next_after: nullable(Type.Integer({ description: 'pass as ?after= for the next page; null at the end' })),
});

export type EventList = Static<typeof EventListSchema>;

const QueueId = Type.String({ minLength: 1, maxLength: MAX_QUEUE_ID_LENGTH });
const TelemetryId = Type.String({ minLength: 1, maxLength: MAX_TELEMETRY_ID_LENGTH });

export const EventsQuerySchema = Type.Object(
  {
    after: Type.Optional(Type.Integer({ minimum: 0, description: 'events with a larger id' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    telemetry_id: Type.Optional(TelemetryId),
    stream: Type.Optional(
      Type.Boolean({ description: 'answer as Server-Sent Events (also: Accept: text/event-stream)' }),
    ),
  },
  { additionalProperties: false },
);

export const QueueParamsSchema = Type.Object({ id: QueueId });
export const JobParamsSchema = Type.Object({ id: QueueId, telemetry_id: TelemetryId });

export const ControlResultSchema = Type.Object({
  queue_id: Type.String(),
  status: stringEnum(QUEUE_STATUSES),
  jobs: Type.Array(Type.Object({ telemetry_id: Type.String(), status: Type.String() })),
});

export type ControlAnswer = Static<typeof ControlResultSchema>;

export const ErrorSchema = Type.Object(
  {
    statusCode: Type.Integer({ description: 'the HTTP status, repeated' }),
    error: Type.String({ description: 'the HTTP status text, e.g. Bad Request' }),
    code: Type.String({
      pattern: '^SF_[A-Z_]+$',
      description: 'a stable StreamForge error code (docs/errors.md), e.g. SF_INVALID_REQUEST',
      examples: ['SF_INVALID_REQUEST'],
    }),
    message: Type.String({
      description: 'what went wrong; for a 5xx generic, with the request id to find the details in the log',
    }),
    reasons: Type.Optional(Type.Array(Type.String(), { description: '400: every problem found' })),
  },
  { description: 'every error answer of the API' },
);

export type ErrorAnswer = Static<typeof ErrorSchema>;
