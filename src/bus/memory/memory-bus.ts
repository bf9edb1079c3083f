import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { computeLag } from '../lag.ts';
import { partitionKey } from '../encoding.ts';
import type {
  Bus,
  OutgoingRecord,
  PartitionPosition,
  SubscribeOptions,
  Subscription,
  TopicSpec,
} from '../types.ts';
import { MemoryGroup } from './memory-group.ts';
import { MemoryLog, type MemoryTopicStats } from './memory-log.ts';
import { MemorySubscription } from './memory-subscription.ts';

export interface MemoryBusOptions {
  /**
   * Release records every reader is done with, as Kafka's retention would (default false: keep
   * everything, so a reader that comes later still finds it). A record is released once every consumer
   * group that committed on its partition committed past it and no open subscription still needs it
   * (a group member from its group's committed position, or its start until the group commits; a
   * plain reader from its next one). The last record below that floor stays, as Kafka keeps its
   * active segment: a restarted connector looks at its last committed record.
   * Records nobody consumed are never released; a group that starts later reads from the first record
   * still kept. `streamforge up` turns this on.
   */
  releaseConsumed?: boolean;
}

/**
 * The embedded bus: Kafka's semantics (topics, partitions, offsets, groups, commits) in one process,
 * nothing kept on disk. Every service and CLI tool in the process can share one instance.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  readonly #log = new MemoryLog();
  readonly #groups = new Map<string, MemoryGroup>();
  readonly #subscriptions = new Set<MemorySubscription>();
  readonly #releaseConsumed: boolean;
  #closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.#releaseConsumed = options.releaseConsumed ?? false;
  }

  connect(): Promise<void> {
    return this.#closed ? Promise.reject(closedError()) : Promise.resolve();
  }

  produce(records: OutgoingRecord[]): Promise<void> {
    try {
      if (this.#closed) throw closedError();
      for (const record of records) this.#log.append(record);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.#log.notify();
    }
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.#closed) return Promise.reject(closedError());
    const missing = options.topics.find((topic) => !this.#log.has(topic));
    if (missing !== undefined) {
      return Promise.reject(
        new StreamForgeError(
          ErrorCodes.BUS_UNKNOWN_TOPIC,
          `cannot subscribe: topic "${missing}" does not exist`,
        ),
      );
    }
    const subscription: MemorySubscription = new MemorySubscription(
      this.#log,
      options,
      this.#group(options.groupId),
      {
        onClose: () => this.#subscriptions.delete(subscription),
        onCommit: (positions) => this.#release(positions),
      },
    );
    this.#subscriptions.add(subscription);
    return Promise.resolve(subscription);
  }

  createTopics(topics: TopicSpec[]): Promise<void> {
    for (const topic of topics) this.#log.create(topic.name, topic.partitions ?? 1);
    return Promise.resolve();
  }

  /** Deletes topics with their records and every group's committed positions on them. */
  deleteTopics(names: string[]): Promise<void> {
    for (const name of names) {
      for (let p = 0; p < this.#log.partitionCount(name); p += 1) {
        for (const [id, group] of this.#groups) {
          group.committed.delete(partitionKey(name, p));
          if (group.idle) this.#groups.delete(id);
        }
      }
      this.#log.delete(name);
    }
    return Promise.resolve();
  }

  /** What a topic holds in memory (undefined if it does not exist): the bus's own accounting. */
  topicStats(topic: string): MemoryTopicStats | undefined {
    return this.#log.stats(topic);
  }

  /** The offset of the first record a partition still keeps (0 until retention released any). */
  startOffset(topic: string, partition: number): bigint {
    return this.#log.startOffset(topic, partition);
  }

  listTopics(): Promise<string[]> {
    return Promise.resolve(this.#log.names());
  }

  endOffsets(topic: string): Promise<Map<number, bigint>> {
    const count = this.#log.partitionCount(topic);
    return Promise.resolve(
      new Map(Array.from({ length: count }, (_, p) => [p, this.#log.endOffset(topic, p)])),
    );
  }

  committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const committed = new Map<number, bigint>();
    const group = this.#groups.get(groupId);
    for (let p = 0; group && p < this.#log.partitionCount(topic); p += 1) {
      const offset = group.committed.get(partitionKey(topic, p));
      if (offset !== undefined) committed.set(p, offset);
    }
    return Promise.resolve(committed);
  }

  async lag(groupId: string, topic: string): Promise<Map<number, bigint>> {
    return computeLag(await this.endOffsets(topic), await this.committedOffsets(groupId, topic));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    this.#log.notify();
  }

  /** After a commit: releases what no reader needs any more on the committed partitions. */
  #release(positions: PartitionPosition[]): void {
    if (!this.#releaseConsumed) return;
    for (const { topic, partition } of positions) {
      const key = partitionKey(topic, partition);
      let floor: bigint | undefined;
      const lower = (offset: bigint | undefined): void => {
        if (offset !== undefined && (floor === undefined || offset < floor)) floor = offset;
      };
      for (const group of this.#groups.values()) lower(group.committed.get(key));
      for (const subscription of this.#subscriptions) lower(subscription.neededFrom(topic, partition));
      if (floor !== undefined && floor > 1n) this.#log.releaseBelow(topic, partition, floor - 1n);
    }
  }

  #group(groupId: string | undefined): MemoryGroup | undefined {
    if (groupId === undefined) return undefined;
    let group = this.#groups.get(groupId);
    if (!group) this.#groups.set(groupId, (group = new MemoryGroup()));
    return group;
  }
}

function closedError(): StreamForgeError {
  return new StreamForgeError(ErrorCodes.BUS_CLOSED, 'the bus is closed');
}
