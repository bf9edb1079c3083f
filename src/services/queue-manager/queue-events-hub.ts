import type { FoldedEvent } from './telemetry/fold.ts';
import type { QueueStatus } from './request/schema.ts';

export type HubMessage = { kind: 'event'; event: FoldedEvent } | { kind: 'status'; status: QueueStatus };
type Listener = (message: HubMessage) => void;

/** In-process fan-out of folded events and status changes to live streams (SSE), per queue. */
export class QueueEventsHub {
  readonly #listeners = new Map<string, Set<Listener>>();
  readonly #everyQueue = new Set<(queueId: string, message: HubMessage) => void>();

  /** Every message of every queue (the manager's own reactions to status changes). */
  subscribeAll(listener: (queueId: string, message: HubMessage) => void): () => void {
    this.#everyQueue.add(listener);
    return () => this.#everyQueue.delete(listener);
  }

  subscribe(queueId: string, listener: Listener): () => void {
    let set = this.#listeners.get(queueId);
    if (!set) this.#listeners.set(queueId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(queueId);
    };
  }

  publish(queueId: string, message: HubMessage): void {
    for (const listener of this.#listeners.get(queueId) ?? []) listener(message);
    for (const listener of this.#everyQueue) listener(queueId, message);
  }
}
