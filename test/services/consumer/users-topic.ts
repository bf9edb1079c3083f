// What every consumer-service test runs on, in process or as `streamforge consumer`: a users topic,
// a schema and a group of its own, and the settings the service gets besides the broker.
import type { TestBackends } from '../../support/backends.ts';
import { deadLetterTopic, uniqueName } from '../../support/kafka.ts';
import { testDatabaseUrl } from '../../support/postgres.ts';
import { dropSchema, uniqueSchema } from './user-events.ts';

export interface UsersTopic {
  topic: string;
  dlq: string;
  schema: string;
  group: string;
  /** KAFKA_TOPIC, KAFKA_GROUP_ID and DATABASE_SCHEMA for the service. */
  env: Record<string, string>;
}

/** A topic with `partitions`, a schema and a group of its own; topic and schema are removed on close. */
export async function usersTopic(backends: TestBackends, partitions: number): Promise<UsersTopic> {
  const topic = await backends.topic('users', partitions);
  const schema = uniqueSchema('consumer');
  backends.defer(() => dropSchema(backends.db, schema));
  const group = uniqueName('consumer-service');
  return {
    topic,
    dlq: deadLetterTopic(topic),
    schema,
    group,
    env: { KAFKA_TOPIC: topic, KAFKA_GROUP_ID: group, DATABASE_SCHEMA: schema },
  };
}

/**
 * The test database, metrics on a free port, and fetches that return what is there within 100 ms
 * (the defaults wait for 10 kB or 1 s). The caller names the broker: the seed's KAFKA_BROKER_LIST or
 * KAFKA_BOOTSTRAP_SERVERS.
 */
export const serviceTestEnv: Readonly<Record<string, string>> = {
  DATABASE_URL: testDatabaseUrl,
  METRICS_PORT: '127.0.0.1:0',
  KAFKA_MIN_BYTES: '1',
  KAFKA_MAX_WAIT: '100ms',
};
