import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import type { BusRecord, PartitionPosition, PollOptions, Subscription, TopicPartition } from '../types.ts';
import { toBusError } from './errors.ts';

type RawMessage = Message<Buffer, Buffer, string, string>;

const MAX_BUFFERED = 5000;
/** Shared by every record without headers (most data records): one object fewer per record. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** One Kafka consumer and its message stream, read in batches through poll(). */
export class KafkaSubscription implements Subscription {
  readonly #consumer: Consumer<Buffer, Buffer, string, string>;
  readonly #stream: MessagesStream<Buffer, Buffer, string, string>;
  readonly #grouped: boolean;
  readonly #brokers: string[];
  /**
   * Leader epochs seen, per topic and partition; OffsetCommit carries them (KIP-320). Two maps rather
   * than one keyed by a `topic/partition` string: this is set for every record.
   */
  readonly #epochs = new Map<string, Map<number, number>>();
  /** Records fetched but not yet polled. The stream is paused while this holds MAX_BUFFERED or more. */
  #buffer: BusRecord[] = [];
  #wake: (() => void) | undefined;
  #failure: unknown;
  readonly #onClose: () => void;

  constructor(
    consumer: Consumer<Buffer, Buffer, string, string>,
    stream: MessagesStream<Buffer, Buffer, string, string>,
    grouped: boolean,
    brokers: string[],
    onClose: () => void,
  ) {
    this.#onClose = onClose;
    this.#consumer = consumer;
    this.#stream = stream;
    this.#grouped = grouped;
    this.#brokers = brokers;
    // Flowing mode with our own bounded buffer: the client fetches while we hold few records.
    stream.on('data', (message: RawMessage) => {
      this.#buffer.push(this.#toRecord(message));
      if (this.#buffer.length >= MAX_BUFFERED) stream.pause();
      this.#wakeUp();
    });
    stream.on('error', (error) => {
      this.#failure = error;
      this.#wakeUp();
    });
    stream.on('close', () => this.#wakeUp());
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  assignment(): TopicPartition[] {
    return (this.#consumer.assignments ?? []).flatMap((a) =>
      a.partitions.map((partition) => ({ topic: a.topic, partition })),
    );
  }

  async poll(options: PollOptions = {}): Promise<BusRecord[]> {
    const maxRecords = options.maxRecords ?? 500;
    const deadline = Date.now() + (options.maxWaitMs ?? 1000);
    for (;;) {
      if (this.#failure) throw toBusError(this.#failure, this.#brokers, 'consume');
      const remaining = deadline - Date.now();
      if (this.#buffer.length > 0 || remaining <= 0 || options.signal?.aborted || this.#stream.destroyed) {
        const batch = this.#buffer.splice(0, maxRecords);
        if (this.#stream.isPaused() && this.#buffer.length < MAX_BUFFERED) this.#stream.resume();
        return batch;
      }
      await this.#arrival(remaining, options.signal);
    }
  }

  /** Resolves when records arrive, the stream ends or fails, after `ms`, or on abort. */
  #arrival(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        if (this.#wake === done) this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  #toRecord(message: RawMessage): BusRecord {
    const { topic, partition } = message;
    let epochs = this.#epochs.get(topic);
    if (epochs === undefined) this.#epochs.set(topic, (epochs = new Map<number, number>()));
    epochs.set(partition, message.leaderEpoch);
    return {
      topic,
      partition,
      offset: message.offset,
      key: message.key ?? null,
      value: message.value ?? null,
      headers: message.headers.size === 0 ? NO_HEADERS : Object.fromEntries(message.headers),
      timestamp: Number(message.timestamp),
    };
  }

  async commit(positions: PartitionPosition[]): Promise<void> {
    if (!this.#grouped || positions.length === 0) return;
    const offsets = positions.map((p) => ({
      ...p,
      leaderEpoch: this.#epochs.get(p.topic)?.get(p.partition) ?? -1,
    }));
    try {
      await this.#consumer.commit({ offsets });
    } catch (error) {
      throw toBusError(error, this.#brokers, 'commit offsets');
    }
  }

  async close(): Promise<void> {
    this.#onClose();
    if (!this.#stream.destroyed) await this.#stream.close().catch(() => undefined);
    await this.#consumer.close(true).catch(() => undefined);
  }
}
