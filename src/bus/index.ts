export type * from './types.ts';
export { MemoryBus } from './memory/memory-bus.ts';
export { KafkaBus } from './kafka/kafka-bus.ts';
export { DEFAULT_DELIVERY_TIMEOUT_MS, type KafkaConnectionOptions } from './kafka/options.ts';
export { createBus } from './create-bus.ts';
