import { defineBatchHandler, type BatchHandler, type BatchRefusal } from '../../consumer/index.ts';
import { EnvelopeSchema } from '../../protocol/geobot/envelope.ts';
import { logDocument } from './log-document.ts';
import type { LogSink } from './sinks/log-sink.ts';

/** Label of the logger's records in the consumer_* metrics and in dead letters. */
export const LOG_EVENT_TYPE = 'envelope';

/**
 * The logger as a batch sink: a partition's valid envelopes become elk_documents written in one bulk
 * request. Records that are not JSON or not envelopes are dead-lettered by the framework before; the
 * documents the sink refuses are dead-lettered after; an outage (a retryable error) pauses the
 * partition and nothing is committed until the sink took the whole batch.
 */
export function logHandler(sink: LogSink): BatchHandler {
  return defineBatchHandler({
    name: LOG_EVENT_TYPE,
    schema: EnvelopeSchema,
    async handle(batch, context): Promise<BatchRefusal[]> {
      const documents = batch.map(({ value, record }) => logDocument(value, record));
      const refused = await sink.write(documents, context.signal);
      if (refused.length === 0) return [];
      const records = new Map(documents.map((d, i) => [d.id, batch[i]!.record]));
      return refused.map(({ id, error }) => ({ record: records.get(id)!, error }));
    },
  });
}
