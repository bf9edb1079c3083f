import { setTimeout as sleep } from 'node:timers/promises';
import type { Bus, BusRecord, PartitionPosition, Subscription } from '../../../bus/index.ts';
import { errorMessage, isStreamForgeError, parseTelemetry, type Telemetry } from '../../../protocol/index.ts';
import type { Logger } from '../../../runtime/index.ts';
import type { QueueStore } from '../store/queue-store.ts';
import { foldTelemetry, type FoldResult } from './fold.ts';

export interface TelemetryFolderOptions {
  bus: Bus;
  store: QueueStore;
  /** QUEUE_EVENTS_TOPIC. */
  topic: string;
  /** The manager's own consumer group: it never shares queue-events with the jobs. */
  groupId: string;
  batchSize: number;
  logger: Logger;
  /** After each batch is committed to the database (and before the offsets are). */
  onFolded: (result: FoldResult) => void | Promise<void>;
  onInvalid: (count: number) => void;
}

/**
 * Reads queue-events in the manager's consumer group and folds each batch into SQL; offsets are
 * committed only after the database transaction, so a crash redelivers, and redelivery is harmless.
 * A database outage pauses the loop (nothing is skipped); a bad message is logged, counted, skipped.
 */
export class TelemetryFolder {
  readonly #options: TelemetryFolderOptions;
  readonly #stopping = new AbortController();
  #subscription: Subscription | undefined;
  #running: Promise<void> | undefined;
  #lastPollAt = Date.now();
  #caughtUp: Promise<void>;
  #markCaughtUp: () => void = () => undefined;

  constructor(options: TelemetryFolderOptions) {
    this.#options = options;
    this.#caughtUp = new Promise((resolve) => (this.#markCaughtUp = resolve));
  }

  /** Milliseconds since the loop last returned from a poll (liveness). */
  get sinceLastPoll(): number {
    return Date.now() - this.#lastPollAt;
  }

  async start(): Promise<void> {
    const { bus, topic, groupId } = this.#options;
    this.#subscription = await bus.subscribe({ topics: [topic], groupId, from: 'earliest', maxWaitMs: 100 });
    this.#running = this.#loop(this.#subscription);
  }

  /** Resolves at the first poll that found nothing new: the backlog is folded. */
  caughtUp(): Promise<void> {
    return this.#caughtUp;
  }

  async close(): Promise<void> {
    this.#stopping.abort();
    await this.#running;
    await this.#subscription?.close();
  }

  async #loop(subscription: Subscription): Promise<void> {
    const signal = this.#stopping.signal;
    const { batchSize, logger } = this.#options;
    while (!signal.aborted) {
      let records: BusRecord[];
      try {
        records = await subscription.poll({ maxRecords: batchSize, maxWaitMs: 200, signal });
        this.#lastPollAt = Date.now();
      } catch (error) {
        if (signal.aborted) break;
        logger.warn({ err: errorMessage(error) }, 'reading queue-events failed; retrying in 1 s');
        await sleep(1000, undefined, { signal }).catch(() => undefined);
        continue;
      }
      if (records.length === 0) {
        this.#markCaughtUp();
        continue;
      }
      await this.#fold(records, subscription, signal);
    }
  }

  /** Folds one batch, retrying while the database is away; then commits the offsets. */
  async #fold(records: BusRecord[], subscription: Subscription, signal: AbortSignal): Promise<void> {
    const { store, logger, onFolded, onInvalid } = this.#options;
    const events: Telemetry[] = [];
    let invalid = 0;
    for (const record of records) {
      const parsed = parseTelemetry(record.value);
      if (parsed.ok) events.push(parsed.value);
      else {
        invalid += 1;
        logger.warn(
          { err: parsed.error.message, offset: String(record.offset) },
          'skipping a bad message on queue-events',
        );
      }
    }
    if (invalid > 0) onInvalid(invalid);
    for (let attempt = 1; ; attempt += 1) {
      try {
        const result = await foldTelemetry(store, events);
        await onFolded(result);
        break;
      } catch (error) {
        const retry = !isStreamForgeError(error) || error.canRetry;
        logger.error(
          { err: errorMessage(error), attempt, retry },
          'folding telemetry into the database failed',
        );
        // A statement that fails for its data would fail forever: skip the batch rather than stall every queue.
        if (!retry || signal.aborted) break;
        await sleep(Math.min(5000, 200 * 2 ** attempt), undefined, { signal }).catch(() => undefined);
        if (signal.aborted) return;
      }
    }
    await subscription.commit(nextPositions(records)).catch((error: unknown) => {
      logger.warn(
        { err: errorMessage(error) },
        'committing queue-events offsets failed; the batch may be redelivered (harmless)',
      );
    });
  }
}

function nextPositions(records: readonly BusRecord[]): PartitionPosition[] {
  const next = new Map<string, PartitionPosition>();
  for (const r of records) {
    const key = `${r.topic}\u0000${r.partition}`;
    const current = next.get(key);
    if (!current || r.offset + 1n > current.offset)
      next.set(key, { topic: r.topic, partition: r.partition, offset: r.offset + 1n });
  }
  return [...next.values()];
}
