import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { BusRecord } from '../bus/index.ts';
import type { HandlerContext } from './router.ts';

/** RFC 3339 with a zone, as Go's time.Time marshals: 2024-01-01T12:00:00Z, 2024-01-01T12:00:00.123+02:00. */
export const RFC3339 = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';

/** Seed 002's envelope: every event on the topic carries these fields; `data` is validated per type. */
export const EnvelopeSchema = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 256, description: 'unique event id; redeliveries share it' }),
    type: Type.String({ minLength: 1, maxLength: 256, description: 'event type, e.g. user.created' }),
    source: Type.String({ description: 'the producing service, e.g. user-service' }),
    version: Type.String({ description: 'schema version of data, e.g. 1.0' }),
    timestamp: Type.String({ pattern: RFC3339, description: 'when the event happened (RFC 3339)' }),
    data: Type.Unknown({ description: 'the payload; its schema depends on type' }),
  },
  { additionalProperties: true },
);

/** An event as its handler receives it: the envelope with `data` validated against the type's schema. */
export interface ConsumedEvent<Data> extends Static<typeof EnvelopeSchema> {
  readonly data: Data;
  /** Where the event came from (topic, partition, offset, key, headers). */
  readonly record: BusRecord;
}

/** An event type: its name on the wire and the schema of its data (step 1 of adding an event type). */
export interface EventType<S extends TSchema = TSchema> {
  readonly type: string;
  readonly schema: S;
}

export function defineEvent<S extends TSchema>(type: string, schema: S): EventType<S> {
  return Object.freeze({ type, schema });
}

/** The event its handler receives for an EventType. */
export type EventOf<E extends EventType> = ConsumedEvent<Static<E['schema']>>;

/** Handles one event (step 2). Throw to retry; throw a retryable StreamForgeError when a dependency is down. */
export type EventHandler<E extends EventType> = (event: EventOf<E>, context: HandlerContext) => Promise<void>;
