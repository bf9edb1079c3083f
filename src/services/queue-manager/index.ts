export { QueueManager, type QueueManagerOptions } from './queue-manager.ts';
export { readQueueManagerConfig, type QueueManagerConfig } from './config.ts';
export { QUEUE_MANAGER_MIGRATIONS } from './migrations.ts';
export { planQueue, type PlannedQueue, type PlannedJob } from './request/plan.ts';
export * from './request/schema.ts';
export { foldTelemetry } from './telemetry/fold.ts';
export { QueueStore } from './store/queue-store.ts';
export type { CollectionReader } from './api/collection-routes.ts';
