import { Type, type Static } from '@sinclair/typebox';
import { createJsonParser } from '../json.ts';

/**
 * geobot (seed 003) topics. The gateway produces to the four `*_in` topics; the ARM and WORKER
 * processors reply on `info_in`, which the logger indexes.
 */
export const GEOBOT_TOPICS = Object.freeze({
  createUser: 'create_user_in',
  updateUser: 'update_user_in',
  info: 'info_in',
  task: 'task_in',
});

/** The envelope every geobot message travels in (seed 003 "Структура передачи сообщений"). */
export const EnvelopeSchema = Type.Object(
  {
    service: Type.String({ minLength: 1, description: 'name of the service that sent the message' }),
    action: Type.String({
      minLength: 1,
      description: 'what happened or is asked: create_user, update_user, …',
    }),
    payload: Type.Object(
      {
        message: Type.String({ description: 'human-readable text' }),
        timestamp: Type.String({ minLength: 1, description: 'ISO 8601 time the event was created' }),
        data: Type.Unknown({ description: 'the event data (the request body, a user row, a task result)' }),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);
export type Envelope = Static<typeof EnvelopeSchema>;

export const parseEnvelope = createJsonParser(EnvelopeSchema, 'geobot envelope');

export function createEnvelope(service: string, action: string, message: string, data: unknown): Envelope {
  return { service, action, payload: { message, timestamp: new Date().toISOString(), data: data ?? {} } };
}

/**
 * The document the logger indexes (seed 003 "Структура лога"). `service` is the index name in the seed
 * ("logger-service"); `executer` (sic, a contract) is the service that sent the envelope. The seed picked
 * `level` at random; here it is derived: "error" when the action or message says so, else "info".
 */
export interface ElkDocument {
  '@timestamp': string;
  service: 'logger-service';
  executer: string;
  message: string;
  level: 'info' | 'error' | 'debug';
  action: string;
  data: unknown;
}

export function toElkDocument(envelope: Envelope): ElkDocument {
  const failed = /error|fail/i.test(envelope.action) || /^error\b/i.test(envelope.payload.message);
  return {
    '@timestamp': envelope.payload.timestamp,
    service: 'logger-service',
    executer: envelope.service,
    message: envelope.payload.message,
    level: failed ? 'error' : 'info',
    action: envelope.action,
    data: envelope.payload.data ?? {},
  };
}
