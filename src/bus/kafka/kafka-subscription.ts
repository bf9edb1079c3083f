import { once } from 'node:events';
import type { Consumer, Message, MessagesStream } from '@platformatic/kafka';
import { partitionKey } from '../encoding.ts';
import type { BusRecord, PartitionPosition, PollOptions, Subscription, TopicPartition } from '../types.ts';
import { toBusError } from './errors.ts';

type RawMessage = Message<Buffer, Buffer, string, string>;

/** One Kafka consumer and its message stream, read in batches through poll(). */
export class KafkaSubscription implements Subscription {
  readonly #consumer: Consumer<Buffer, Buffer, string, string>;
  readonly #stream: MessagesStream<Buffer, Buffer, string, string>;
  readonly #grouped: boolean;
  readonly #brokers: string[];
  /** Leader epochs seen per partition; OffsetCommit carries them (KIP-320). */
  readonly #epochs = new Map<string, number>();
  #failure: unknown;

  constructor(
    consumer: Consumer<Buffer, Buffer, string, string>,
    stream: MessagesStream<Buffer, Buffer, string, string>,
    grouped: boolean,
    brokers: string[],
  ) {
    this.#consumer = consumer;
    this.#stream = stream;
    this.#grouped = grouped;
    this.#brokers = brokers;
    stream.on('error', (error) => {
      this.#failure = error;
    });
  }

  assignment(): TopicPartition[] {
    return (this.#consumer.assignments ?? []).flatMap((a) =>
      a.partitions.map((partition) => ({ topic: a.topic, partition })),
    );
  }

  async poll(options: PollOptions = {}): Promise<BusRecord[]> {
    const maxRecords = options.maxRecords ?? 500;
    const deadline = Date.now() + (options.maxWaitMs ?? 1000);
    const batch: BusRecord[] = [];
    for (;;) {
      if (this.#failure) throw toBusError(this.#failure, this.#brokers, 'consume');
      let message: RawMessage | null;
      while (batch.length < maxRecords && (message = this.#stream.read() as RawMessage | null) !== null) {
        batch.push(this.#toRecord(message));
      }
      const remaining = deadline - Date.now();
      if (batch.length > 0 || remaining <= 0 || options.signal?.aborted || this.#stream.destroyed) return batch;
      await this.#readable(remaining, options.signal);
    }
  }

  async #readable(ms: number, signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(ms);
    try {
      await once(this.#stream, 'readable', { signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    } catch {
      // Timed out or aborted: the caller returns what it has.
    }
  }

  #toRecord(message: RawMessage): BusRecord {
    this.#epochs.set(partitionKey(message.topic, message.partition), message.leaderEpoch);
    return {
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      key: message.key ?? null,
      value: message.value ?? null,
      headers: Object.fromEntries(message.headers),
      timestamp: Number(message.timestamp),
    };
  }

  async commit(positions: PartitionPosition[]): Promise<void> {
    if (!this.#grouped || positions.length === 0) return;
    const offsets = positions.map((p) => ({
      ...p,
      leaderEpoch: this.#epochs.get(partitionKey(p.topic, p.partition)) ?? -1,
    }));
    try {
      await this.#consumer.commit({ offsets });
    } catch (error) {
      throw toBusError(error, this.#brokers, 'commit offsets');
    }
  }

  async close(): Promise<void> {
    if (!this.#stream.destroyed) await this.#stream.close().catch(() => undefined);
    await this.#consumer.close(true).catch(() => undefined);
  }
}
