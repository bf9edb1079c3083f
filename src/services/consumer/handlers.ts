import type { Counter } from 'prom-client';
import { EventRegistry, type EventHandler } from '../../consumer/index.ts';
import { UserCreated, UserDeleted, UserUpdated } from './events.ts';
import type { Applied, UserStore } from './user-store.ts';

// Step 2 of adding an event type: a handler. It throws to retry; the store turns outages into
// retryable errors (SF_STORE_UNAVAILABLE) so the framework pauses instead of dead-lettering.

export function userHandlers(store: UserStore, outcomes?: Counter<'event_type' | 'outcome'>) {
  const count = (type: string) => (outcome: Applied) => void outcomes?.inc({ event_type: type, outcome });
  const onUserCreated: EventHandler<typeof UserCreated> = (event) =>
    store.created(event, event.data).then(count(event.type));
  const onUserUpdated: EventHandler<typeof UserUpdated> = (event) =>
    store.updated(event, event.data).then(count(event.type));
  const onUserDeleted: EventHandler<typeof UserDeleted> = (event) =>
    store.deleted(event, event.data).then(count(event.type));
  return { onUserCreated, onUserUpdated, onUserDeleted };
}

/** Step 3: register each type with its handler. */
export function userEventRegistry(
  store: UserStore,
  outcomes?: Counter<'event_type' | 'outcome'>,
): EventRegistry {
  const h = userHandlers(store, outcomes);
  return new EventRegistry()
    .on(UserCreated, h.onUserCreated)
    .on(UserUpdated, h.onUserUpdated)
    .on(UserDeleted, h.onUserDeleted);
}
