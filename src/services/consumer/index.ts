export { ConsumerService, type ConsumerServiceInit } from './service.ts';
export {
  readConsumerServiceConfig,
  CONSUMER_SERVICE_DEFAULTS,
  type ConsumerServiceConfig,
} from './config.ts';
export { UserStore, type Applied } from './user-store.ts';
export { userEventRegistry, userHandlers } from './handlers.ts';
export { UserCreated, UserUpdated, UserDeleted } from './events.ts';
export { runConsumerService } from './run.ts';
