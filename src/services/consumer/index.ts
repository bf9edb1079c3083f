export { ConsumerService, type ConsumerServiceInit } from './service.ts';
export {
  readConsumerServiceConfig,
  CONSUMER_SERVICE_DEFAULTS,
  type ConsumerServiceConfig,
} from './config.ts';
export { UserStore, type Applied, type UserEvent } from './user-store.ts';
export { userMigrations } from './migrations.ts';
export { userEventRegistry, userEventRouter, userHandlers } from './handlers.ts';
export { UserCreated, UserUpdated, UserDeleted } from './events.ts';
export { runConsumerService } from './run.ts';
