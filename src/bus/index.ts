export type * from './types.ts';
export { MemoryBus, type MemoryBusOptions } from './memory/memory-bus.ts';
export type { MemoryTopicStats } from './memory/memory-log.ts';
export { KafkaBus } from './kafka/kafka-bus.ts';
export { DEFAULT_DELIVERY_TIMEOUT_MS, type KafkaConnectionOptions } from './kafka/options.ts';
export { createBus } from './create-bus.ts';
