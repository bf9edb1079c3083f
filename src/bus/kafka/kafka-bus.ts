import { randomUUID } from 'node:crypto';
import { Admin, Consumer, Producer, stringDeserializer } from '@platformatic/kafka';
import { computeLag } from '../lag.ts';
import { toBuffer } from '../encoding.ts';
import type { Bus, OutgoingRecord, SubscribeOptions, Subscription, TopicSpec } from '../types.ts';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { toBusError, unknownTopicError } from './errors.ts';
import { KafkaSubscription } from './kafka-subscription.ts';
import { splitIntoProduceCalls } from './produce-calls.ts';
import {
  DEFAULT_DELIVERY_TIMEOUT_MS,
  clientOptions,
  outageRetryDelayMs,
  type KafkaConnectionOptions,
} from './options.ts';

/** Most bytes one fetch returns per partition (see subscribe). */
const MAX_PARTITION_FETCH_BYTES = 1024 * 1024;

const headerDeserializers = { headerKey: stringDeserializer, headerValue: stringDeserializer };

type KafkaProducer = Producer<Buffer, Buffer, Buffer, Buffer>;
/** A message as KafkaBus hands it to the client: headers always as a Map (what produce-calls sizes). */
type ProduceMessage = Parameters<KafkaProducer['send']>[0]['messages'][number] & {
  headers?: Map<Buffer, Buffer>;
};

/** Rejection of a produce call whose delivery timeout passed (never leaves this file). */
class DeliveryTimedOut extends Error {}

/** The bus on Apache Kafka through @platformatic/kafka: one producer and one admin, shared. */
export class KafkaBus implements Bus {
  readonly kind = 'kafka';
  readonly #options: KafkaConnectionOptions;
  readonly #subscriptions = new Set<KafkaSubscription>();
  #admin: Admin | undefined;
  #producer: KafkaProducer | undefined;
  /** Producers closed after a delivery timeout, with the error their pending sends fail with. */
  readonly #abandoned = new WeakMap<KafkaProducer, StreamForgeError>();
  /** Topics seen on the broker (listTopics, createTopics): produce checks only the others. */
  readonly #knownTopics = new Set<string>();
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
    const messages: ProduceMessage[] = records.map((r) => ({
      topic: r.topic,
      key: toBuffer(r.key) ?? undefined,
      value: toBuffer(r.value) ?? undefined,
      partition: r.partition,
      headers: r.headers
        ? new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)]))
        : undefined,
    }));
    await this.#requireTopics([...new Set(records.map((r) => r.topic))]);
    // One call after the other: a partition's records keep their order across calls.
    for (const call of splitIntoProduceCalls(messages)) await this.#deliver(call);
  }

  /**
   * Fails fast on a topic the broker does not have. The producer retries until the delivery timeout,
   * and to the client a missing topic is a retryable metadata answer: without this a typo would hang
   * for two minutes. Checked once per topic; when the broker cannot be asked now, the produce goes
   * ahead and rides out the outage.
   */
  async #requireTopics(topics: string[]): Promise<void> {
    if (topics.every((t) => this.#knownTopics.has(t))) return;
    const existing = await this.listTopics().catch(() => undefined);
    const missing = existing === undefined ? [] : topics.filter((t) => !existing.includes(t));
    if (missing.length > 0) throw unknownTopicError(missing, 'produce', undefined);
  }

  /**
   * One produce call. The client retries it through a broker outage with the same producer id and
   * sequence numbers, so the broker writes each batch once even when an acknowledgement was lost; after
   * the delivery timeout the producer is closed (which ends its retries) and the call fails.
   */
  async #deliver(messages: ProduceMessage[]): Promise<void> {
    const producer = this.#producerClient();
    const timeoutMs = this.#options.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS;
    const sending = producer.send({ messages });
    sending.catch(() => undefined); // settled below, or abandoned after the timeout
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeliveryTimedOut()), timeoutMs);
    });
    try {
      await Promise.race([sending, expired]);
    } catch (error) {
      if (error instanceof DeliveryTimedOut) throw this.#abandon(producer, timeoutMs);
      const abandoned = this.#abandoned.get(producer);
      if (abandoned) throw abandoned;
      throw await this.#classify(error, 'produce', [...new Set(messages.map((m) => m.topic))]);
    } finally {
      clearTimeout(timer);
    }
  }

  #producerClient(): KafkaProducer {
    this.#producer ??= new Producer({
      ...clientOptions(this.#options, 'producer'),
      idempotent: true,
      acks: -1,
      // Unbounded here, bounded by the delivery timeout in #deliver.
      retries: true,
      retryDelay: (_client: unknown, _operation: string, attempt: number) => outageRetryDelayMs(attempt),
    });
    return this.#producer;
  }

  /** Gives up on `producer` after a delivery timeout: its pending sends fail with the returned error. */
  #abandon(producer: KafkaProducer, timeoutMs: number): StreamForgeError {
    const seconds = Math.round(timeoutMs / 100) / 10;
    const error = new StreamForgeError(
      ErrorCodes.BUS_UNREACHABLE,
      `Kafka at ${this.#brokers.join(',')} did not acknowledge records for ${seconds} s ` +
        `(KAFKA_DELIVERY_TIMEOUT_SECONDS) while trying to produce: check that the broker runs and is reachable`,
    );
    if (!this.#abandoned.has(producer)) {
      this.#abandoned.set(producer, error);
      if (this.#producer === producer) this.#producer = undefined;
      void producer.close(true).catch(() => undefined);
    }
    return this.#abandoned.get(producer) ?? error;
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
      throw await this.#classify(error, `subscribe to ${options.topics.join(', ')}`, options.topics);
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
      // Its metadata may reach the client a moment later: the producer retries that on its own.
      this.#knownTopics.add(topic.name);
    }
  }

  async deleteTopics(names: string[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    const present = names.filter((n) => existing.has(n));
    for (const topic of present) this.#knownTopics.delete(topic);
    if (present.length > 0)
      await this.#run('delete topics', () => this.#adminClient().deleteTopics({ topics: present }));
  }

  async listTopics(): Promise<string[]> {
    const topics = await this.#run('list topics', () => this.#adminClient().listTopics());
    for (const topic of topics) this.#knownTopics.add(topic);
    return topics;
  }

  async endOffsets(topic: string): Promise<Map<number, bigint>> {
    this.#offsetReader ??= new Consumer({
      ...clientOptions(this.#options, 'offsets'),
      groupId: `streamforge-offsets-${randomUUID()}`,
    });
    const reader = this.#offsetReader;
    const offsets = await this.#run(
      `list offsets of ${topic}`,
      () => reader.listOffsets({ topics: [topic] }),
      [topic],
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

  /** Runs a client operation; a failure becomes a StreamForgeError (see #classify). */
  async #run<T>(action: string, operation: () => Promise<T>, topics: string[] = []): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw await this.#classify(error, action, topics);
    }
  }

  /**
   * A client failure as a StreamForgeError. The client reports a topic missing from its metadata as a
   * plain UserError ("Unknown topic X.") without the broker's UNKNOWN_TOPIC_OR_PARTITION code, so for
   * a user error on named topics the broker is asked which of them exist.
   */
  async #classify(error: unknown, action: string, topics: string[]): Promise<StreamForgeError> {
    const busError = toBusError(error, this.#brokers, action, { secure: isSecure(this.#options) });
    const userError = (error as { code?: unknown } | null)?.code === 'PLT_KFK_USER';
    if (topics.length === 0 || (!userError && busError.code !== ErrorCodes.BUS_UNKNOWN_TOPIC))
      return busError;
    const existing = await this.#adminClient()
      .listTopics()
      .catch(() => undefined);
    const missing = existing === undefined ? [] : topics.filter((t) => !existing.includes(t));
    return missing.length > 0 ? unknownTopicError(missing, action, error) : busError;
  }
}

function isSecure(options: KafkaConnectionOptions): boolean {
  return options.user !== undefined && options.user !== '';
}
