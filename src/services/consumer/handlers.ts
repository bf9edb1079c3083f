import { EventRegistry, type EventHandler } from '../../consumer/index.ts';
import { UserCreated, UserDeleted, UserUpdated } from './events.ts';
import type { UserStore } from './user-store.ts';

// Step 2 of adding an event type: a handler. It throws to retry; the store turns outages into
// retryable errors (SF_STORE_UNAVAILABLE) so the framework pauses instead of dead-lettering.

export function userHandlers(store: UserStore) {
  const onUserCreated: EventHandler<typeof UserCreated> = (event) => store.submit(event);
  const onUserUpdated: EventHandler<typeof UserUpdated> = (event) => store.submit(event);
  const onUserDeleted: EventHandler<typeof UserDeleted> = (event) => store.submit(event);
  return { onUserCreated, onUserUpdated, onUserDeleted };
}

/** Step 3: register each type with its handler. */
export function userEventRegistry(store: UserStore): EventRegistry {
  const h = userHandlers(store);
  return new EventRegistry()
    .on(UserCreated, h.onUserCreated)
    .on(UserUpdated, h.onUserUpdated)
    .on(UserDeleted, h.onUserDeleted);
}

/**
 * The registry as consumer-service runs it: each partition's batch of valid events is applied by
 * one statement (one round trip, one commit); a failing batch is retried, then split by the framework.
 */
export function userEventRouter(store: UserStore) {
  return userEventRegistry(store).batched((work) => store.batch(work));
}
