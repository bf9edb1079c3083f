import { Type, type Static } from '@sinclair/typebox';
import { compact, createJsonParser } from './json.ts';

export const TELEMETRY_EVENTS = ['started', 'loading', 'finished', 'error', 'interrupted', 'pong'] as const;
export type TelemetryEventName = (typeof TELEMETRY_EVENTS)[number];

/** Events that end a job's life; exactly one of them is its last word, with `finished: true`. */
export const TERMINAL_EVENTS: ReadonlySet<TelemetryEventName> = new Set(['finished', 'error', 'interrupted']);

/** A telemetry event on `queue-events`. The Kafka key is the queue_id. Unknown fields are ignored. */
export const TelemetrySchema = Type.Object(
  {
    event: Type.Union(TELEMETRY_EVENTS.map((name) => Type.Literal(name))),
    status: Type.Optional(Type.String({ description: 'same value as event, kept for compatibility' })),
    queue_id: Type.String({ minLength: 1 }),
    telemetry_id: Type.String({ minLength: 1, description: '{target}__{6 × [a-z0-9]}, one per job' }),
    producer: Type.Optional(
      Type.String({ description: 'same value as telemetry_id, kept for compatibility' }),
    ),
    target: Type.Optional(Type.String()),
    symbol: Type.Optional(Type.String()),
    type: Type.Optional(Type.String()),
    sent_at: Type.Number({ description: 'Unix seconds (float)' }),
    message: Type.Optional(Type.String()),
    records_written: Type.Optional(Type.Integer({ minimum: 0 })),
    records_total: Type.Optional(Type.Integer({ minimum: 0 })),
    records_dead_lettered: Type.Optional(
      Type.Integer({ minimum: 0, description: 'records sent to the dead-letter topic, not written' }),
    ),
    finished: Type.Optional(Type.Boolean()),
    error_message: Type.Optional(Type.String()),
    error_code: Type.Optional(Type.String()),
    ping_ts: Type.Optional(Type.Number({ description: 'sent_at of the ping this pong answers' })),
    ponged_at: Type.Optional(Type.Number()),
    command_id: Type.Optional(Type.String()),
  },
  { additionalProperties: true },
);
export type Telemetry = Static<typeof TelemetrySchema>;

export const parseTelemetry = createJsonParser(TelemetrySchema, 'telemetry');

/** Who a job is, as telemetry names it. */
export interface JobIdentity {
  queueId: string;
  telemetryId: string;
  target: string;
  symbol?: string;
  type?: string;
}

export type TelemetryDetails = Omit<
  Partial<Telemetry>,
  'event' | 'status' | 'queue_id' | 'telemetry_id' | 'producer' | 'target' | 'symbol' | 'type'
>;

export function createTelemetry(
  event: TelemetryEventName,
  job: JobIdentity,
  details: TelemetryDetails & { sent_at: number },
): Telemetry {
  return compact({
    event,
    status: event,
    queue_id: job.queueId,
    telemetry_id: job.telemetryId,
    producer: job.telemetryId,
    target: job.target,
    symbol: job.symbol,
    type: job.type,
    finished: TERMINAL_EVENTS.has(event),
    ...details,
  });
}
