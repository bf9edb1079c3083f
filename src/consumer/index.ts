/**
 * The typed event-consumer framework (docs/consumer.md). The whole public surface:
 *
 *   const registry = new EventRegistry()
 *     .on(defineEvent('user.created', UserCreatedData), async (event, ctx) => { ... });
 *   const consumer = new EventConsumer({ bus, handlers: registry, options: readConsumerOptions(env) });
 *   await consumer.start();   // joins the group, handles, retries, dead-letters, commits
 *   await consumer.stop();    // finishes in-flight records, commits, leaves (bounded by a timeout)
 *
 * For sinks that write many records at once, `defineBatchHandler({ name, schema, handle })` replaces
 * the registry. Handlers throw to retry; a StreamForgeError with canRetry (e.g. SF_STORE_UNAVAILABLE)
 * pauses the partition instead; `invalidEvent(message)` dead-letters the record at once.
 */
export { EventConsumer } from './event-consumer.ts';
export type { ConsumerHooks, EventConsumerInit } from './consumer-init.ts';
export type { PartitionLag } from './lag-monitor.ts';
export { EventRegistry, invalidEvent } from './event-registry.ts';
export {
  defineEvent,
  EnvelopeSchema,
  RFC3339,
  type ConsumedEvent,
  type EventHandler,
  type EventOf,
  type EventType,
} from './events.ts';
export {
  defineBatchHandler,
  type BatchHandler,
  type BatchHandlerSpec,
  type BatchItem,
} from './batch-handler.ts';
export type { BatchRefusal, HandlerContext } from './router.ts';
export {
  DEFAULT_CONSUMER_OPTIONS,
  resolveConsumerOptions,
  type ConsumerOptions,
  type ResolvedConsumerOptions,
} from './options.ts';
export { readConsumerOptions } from './env.ts';
export { parseDuration } from './duration.ts';
export { DeadLetterHeaders, type DeadLetter } from './dead-letters.ts';
export { backoffMs, classifyFailure, type FailureKind } from './failure.ts';
export {
  invalidSetting,
  readMetricsEndpoint,
  readServiceKafka,
  type MetricsEndpoint,
} from './service-env.ts';
export { runUntilSignal, type SignalledService } from './run-until-signal.ts';
