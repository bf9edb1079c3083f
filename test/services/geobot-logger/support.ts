// What the geobot-logger tests share: envelopes as the gateway and processors write them, and the
// logger's settings for a quick test (fetch what is there, short outage pauses).
import type { Client } from '@elastic/elasticsearch';
import type { OutgoingRecord } from '../../../src/bus/index.ts';
import { uniqueName } from '../../support/kafka.ts';

let sequence = 0;

/** One geobot envelope (seed 003), as JSON; `message` makes it findable. */
export function envelope(message: string, data: unknown = { n: ++sequence }, extra: object = {}): string {
  return JSON.stringify({
    service: 'arm',
    action: 'create_user',
    payload: { message, timestamp: new Date().toISOString(), data },
    ...extra,
  });
}

export function records(topic: string, values: (string | null)[]): OutgoingRecord[] {
  return values.map((value, i) => ({ topic, key: `k${i % 3}`, value }));
}

/** Settings that keep a test quick; the caller adds the broker, topic, group and sink. */
export const loggerTestEnv: Readonly<Record<string, string>> = {
  METRICS_PORT: '127.0.0.1:0',
  KAFKA_MIN_BYTES: '1',
  KAFKA_MAX_WAIT: '100ms',
  KAFKA_COMMIT_INTERVAL: '100ms',
  KAFKA_RETRY_BACKOFF: '50ms',
  KAFKA_RETRY_BACKOFF_MAX: '1s',
  KAFKA_LAG_INTERVAL: '250ms',
};

/** An index of its own (Elasticsearch index names are lower case). */
export function uniqueIndex(): string {
  return uniqueName('logger-test').toLowerCase();
}

/** Deletes the index and the logger's template for it. */
export async function dropIndex(client: Client, index: string): Promise<void> {
  await client.indices.delete({ index }, { ignore: [404] });
  await client.indices.deleteIndexTemplate({ name: `streamforge-${index}` }, { ignore: [404] });
}
