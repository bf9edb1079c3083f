import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { computeLag } from '../lag.ts';
import { partitionKey } from '../encoding.ts';
import type { Bus, OutgoingRecord, SubscribeOptions, Subscription, TopicSpec } from '../types.ts';
import { MemoryGroup } from './memory-group.ts';
import { MemoryLog } from './memory-log.ts';
import { MemorySubscription } from './memory-subscription.ts';

/**
 * The embedded bus: Kafka's semantics (topics, partitions, offsets, groups, commits) in one process,
 * nothing kept on disk. Every service and CLI tool in the process can share one instance.
 */
export class MemoryBus implements Bus {
  readonly kind = 'memory';
  readonly #log = new MemoryLog();
  readonly #groups = new Map<string, MemoryGroup>();
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

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
      () => this.#subscriptions.delete(subscription),
    );
    this.#subscriptions.add(subscription);
    return Promise.resolve(subscription);
  }

  createTopics(topics: TopicSpec[]): Promise<void> {
    for (const topic of topics) this.#log.create(topic.name, topic.partitions ?? 1);
    return Promise.resolve();
  }

  deleteTopics(names: string[]): Promise<void> {
    for (const name of names) this.#log.delete(name);
    return Promise.resolve();
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
