import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Bus, KafkaConnectionOptions } from '../../src/bus/index.ts';

/** A listener of the test broker, with the options to reach it and the same as KAFKA_* variables. */
export interface TestListener {
  name: 'plaintext' | 'sasl_ssl';
  options: KafkaConnectionOptions;
  env: Record<string, string>;
}

/** Why Kafka tests are skipped, or undefined when a broker is there (scripts/test.ts sets TEST_KAFKA_*). */
export const kafkaSkipReason: string | undefined =
  process.env.TEST_KAFKA === 'off'
    ? 'run without a broker (npm run test:unit)'
    : !process.env.TEST_KAFKA_PLAINTEXT && !process.env.TEST_KAFKA_SASL
      ? 'TEST_KAFKA_* not set: run the tests with npm test'
      : undefined;

/** The listeners of the test broker: PLAINTEXT and SASL_SSL (SCRAM-SHA-512), whichever are configured. */
export function testListeners(): TestListener[] {
  const e = process.env;
  const listeners: TestListener[] = [];
  if (e.TEST_KAFKA_PLAINTEXT) {
    listeners.push({
      name: 'plaintext',
      options: { bootstrapServers: e.TEST_KAFKA_PLAINTEXT.split(','), clientId: 'test' },
      env: { KAFKA_BOOTSTRAP_SERVERS: e.TEST_KAFKA_PLAINTEXT },
    });
  }
  if (e.TEST_KAFKA_SASL) {
    const env: Record<string, string> = {
      KAFKA_BOOTSTRAP_SERVERS: e.TEST_KAFKA_SASL,
      KAFKA_USER: e.TEST_KAFKA_USER ?? '',
      KAFKA_PASSWORD: e.TEST_KAFKA_PASSWORD ?? '',
    };
    if (e.TEST_KAFKA_CA_PATH) env.KAFKA_CA_PATH = e.TEST_KAFKA_CA_PATH;
    listeners.push({
      name: 'sasl_ssl',
      options: {
        bootstrapServers: e.TEST_KAFKA_SASL.split(','),
        clientId: 'test',
        user: e.TEST_KAFKA_USER,
        password: e.TEST_KAFKA_PASSWORD,
        ca: e.TEST_KAFKA_CA_PATH ? readFileSync(e.TEST_KAFKA_CA_PATH, 'utf8') : undefined,
      },
      env,
    });
  }
  return listeners;
}

/** The first listener (PLAINTEXT when there is one): for tests that need a broker but not both listeners. */
export function testKafka(): TestListener {
  const listener = testListeners()[0];
  if (!listener) throw new Error(kafkaSkipReason ?? 'no test broker');
  return listener;
}

/** A name no other test (or earlier run) uses: tests share one broker. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A topic of its own (see uniqueName) with `partitions` partitions, created on `bus`. */
export async function createUniqueTopic(bus: Bus, prefix: string, partitions = 1): Promise<string> {
  const topic = uniqueName(prefix);
  await bus.createTopics([{ name: topic, partitions }]);
  return topic;
}

/** Where a consumer of `topic` dead-letters records when KAFKA_DLQ_TOPIC does not say otherwise. */
export function deadLetterTopic(topic: string): string {
  return `${topic}-dlq`;
}
