export type * from './types.ts';
export { MemoryBus } from './memory/memory-bus.ts';
export { KafkaBus } from './kafka/kafka-bus.ts';
export type { KafkaConnectionOptions } from './kafka/options.ts';
export { createBus } from './create-bus.ts';
