import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Producer, stringDeserializer } from '@platformatic/kafka';
import { computeLag } from '../lag.ts';
import { toBuffer } from '../encoding.ts';
import type { Bus, OutgoingRecord, SubscribeOptions, Subscription, TopicSpec } from '../types.ts';
import { toBusError } from './errors.ts';
import { KafkaSubscription } from './kafka-subscription.ts';
import { splitIntoProduceCalls } from './produce-calls.ts';
import { clientOptions, type KafkaConnectionOptions } from './options.ts';

/** Most bytes one fetch returns per partition (see subscribe). */
const MAX_PARTITION_FETCH_BYTES = 1024 * 1024;

const headerDeserializers = { headerKey: stringDeserializer, headerValue: stringDeserializer };

/** The bus on Apache Kafka through @platformatic/kafka: one producer and one admin, shared. */
export class KafkaBus implements Bus {
  readonly kind = 'kafka';
  readonly #options: KafkaConnectionOptions;
  readonly #subscriptions = new Set<KafkaSubscription>();
  #admin: Admin | undefined;
  #producer: Producer<Buffer, Buffer, Buffer, Buffer> | undefined;
  /** A consumer that never joins its group: it only lists offsets. */
  #offsetReader: Consumer | undefined;

  constructor(options: KafkaConnectionOptions) {
    this.#options = Object.freeze({ ...options });
  }

  get #brokers(): string[] {
    return this.#options.bootstrapServers;
  }

  async connect(): Promise<void> {
    // Metadata needs a connection and, on SASL_SSL, a finished handshake: a bounded probe of both.
    await this.#run('connect', () => this.#adminClient().metadata({ topics: [] }));
  }

  async produce(records: OutgoingRecord[]): Promise<void> {
    if (records.length === 0) return;
    this.#producer ??= new Producer({
      ...clientOptions(this.#options, 'producer'),
      idempotent: true,
      acks: -1,
    });
    const producer = this.#producer;
    const messages = records.map((r) => ({
      topic: r.topic,
      key: toBuffer(r.key) ?? undefined,
      value: toBuffer(r.value) ?? undefined,
      partition: r.partition,
      headers: r.headers
        ? new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))
        : undefined,
    }));
    // One call after the other: a partition's records keep their order across calls.
    for (const call of splitIntoProduceCalls(messages)) {
      await this.#run('produce', () => producer.send({ messages: call }));
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    const grouped = options.groupId !== undefined;
    // Without a group each subscription needs a group of its own: the client always joins one. It
    // never commits, so the group leaves no trace once the member leaves.
    const groupId = options.groupId ?? `streamforge-solo-${randomUUID()}`;
    const consumer = new Consumer<Buffer, Buffer, string, string>({
      ...clientOptions(this.#options, 'consumer'),
      groupId,
      deserializers: headerDeserializers,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 15_000,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 10 * 1024 * 1024,
      // Kafka's own default for max.partition.fetch.bytes. The client locates every field of a response
      // by walking its socket chunks from the first, so a 10 MB response costs far more per record than
      // three of 1 MiB: bench/pipeline's connector spent a tenth of its CPU there.
      maxBytesPerPartition: Math.min(options.maxBytes ?? Infinity, MAX_PARTITION_FETCH_BYTES),
      maxWaitTime: options.maxWaitMs ?? 500,
    });
    const from = options.from ?? 'latest';
    const explicit = Array.isArray(from);
    try {
      const stream = await consumer.consume({
        topics: options.topics,
        autocommit: false,
        mode: explicit ? 'manual' : grouped ? 'committed' : from,
        fallbackMode: explicit ? 'latest' : from,
        ...(explicit ? { offsets: from } : {}),
      });
      const subscription: KafkaSubscription = new KafkaSubscription(
        consumer,
        stream,
        grouped,
        this.#brokers,
        () => this.#subscriptions.delete(subscription),
      );
      this.#subscriptions.add(subscription);
      return subscription;
    } catch (error) {
      await consumer.close(true).catch(() => undefined);
      throw toBusError(error, this.#brokers, `subscribe to ${options.topics.join(', ')}`);
    }
  }

  async createTopics(topics: TopicSpec[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    const missing = topics.filter((t) => !existing.has(t.name));
    for (const topic of missing) {
      await this.#run(`create topic ${topic.name}`, () =>
        this.#adminClient().createTopics({
          topics: [topic.name],
          partitions: topic.partitions ?? 1,
          replicas: -1,
        }),
      ).catch((error: Error) => {
        // Another process may have created it between the listing and now.
        if (!/TOPIC_ALREADY_EXISTS|already exists/i.test(String(error.message))) throw error;
      });
    }
  }

  async deleteTopics(names: string[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    const present = names.filter((n) => existing.has(n));
    if (present.length > 0)
      await this.#run('delete topics', () => this.#adminClient().deleteTopics({ topics: present }));
  }

  listTopics(): Promise<string[]> {
    return this.#run('list topics', () => this.#adminClient().listTopics());
  }

  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    this.#offsetReader ??= new Consumer({
      ...clientOptions(this.#options, 'offsets'),
      groupId: `streamforge-offsets-${randomUUID()}`,
    });
    const reader = this.#offsetReader;
    const offsets = await this.#run(`list offsets of ${topic}`, () =>
      reader.listOffsets({ topics: [topic] }),
    );
    return new Map((offsets.get(topic) ?? []).map((offset, partition) => [partition, offset]));
  }

  async committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const groups = await this.#run(`list offsets of group ${groupId}`, () =>
      this.#adminClient().listConsumerGroupOffsets({ groups: [groupId] }),
    );
    const committed = new Map<number, bigint>();
    for (const t of groups[0]?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions)
        if (p.committedOffset >= 0n) committed.set(p.partitionIndex, p.committedOffset);
    }
    return committed;
  }

  async lag(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const [end, committed] = await Promise.all([
      this.endOffsets(topic),
      this.committedOffsets(groupId, topic),
    ]);
    return computeLag(end, committed);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    await Promise.all([
      this.#producer?.close(true).catch(() => undefined),
      this.#admin?.close().catch(() => undefined),
      this.#offsetReader?.close(true).catch(() => undefined),
    ]);
  }

  #adminClient(): Admin {
    this.#admin ??= new Admin(clientOptions(this.#options, 'admin'));
    return this.#admin;
  }

  async #run<T>(action: string, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toBusError(error, this.#brokers, action);
    }
  }
}
