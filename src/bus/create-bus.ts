import { KafkaBus } from './kafka/kafka-bus.ts';
import type { KafkaConnectionOptions } from './kafka/options.ts';
import { MemoryBus } from './memory/memory-bus.ts';
import type { Bus } from './types.ts';

/** Kafka when a broker is configured, otherwise a fresh in-memory bus. */
export function createBus(kafka: KafkaConnectionOptions | undefined): Bus {
  return kafka ? new KafkaBus(kafka) : new MemoryBus();
}
