/** A record as read from the bus. Offsets are bigint, as Kafka's are. */
export interface BusRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
  /** Unix milliseconds when the record was appended (or produced). */
  readonly timestamp: number;
}

/** A record to write. Records with the same key land on the same partition, in order. */
export interface OutgoingRecord {
  topic: string;
  key?: string | Buffer | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  /** Explicit partition; otherwise chosen from the key (or spread when there is none). */
  partition?: number;
}

export interface TopicSpec {
  name: string;
  /** Default 1. */
  partitions?: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** Where a partition's reading resumes: the offset of the next record to read. */
export interface PartitionPosition extends TopicPartition {
  offset: bigint;
}

export interface SubscribeOptions {
  topics: string[];
  /**
   * A consumer group shares the partitions among its members and remembers committed positions.
   * Without one, the subscription reads every partition alone and commits nothing.
   */
  groupId?: string;
  /**
   * Where to start when there is no committed position: 'earliest' or 'latest' (default 'latest'),
   * or explicit positions (no group).
   */
  from?: 'earliest' | 'latest' | PartitionPosition[];
  /** Fetch bounds, honoured by the Kafka implementation (seed 002: KAFKA_MIN_BYTES etc.). */
  minBytes?: number;
  maxBytes?: number;
  /** Longest a fetch waits on the broker for minBytes; default 500 ms. */
  maxWaitMs?: number;
}

export interface PollOptions {
  /** Most records returned at once; default 500. */
  maxRecords?: number;
  /** Longest to wait for the first record; default 1000 ms. Returns [] on timeout. */
  maxWaitMs?: number;
  /** Aborting returns what is there (possibly nothing) at once. */
  signal?: AbortSignal;
}

/** An open subscription: records are pulled in batches, positions committed explicitly. */
export interface Subscription {
  poll(options?: PollOptions): Promise<BusRecord[]>;
  /** Commits positions (the next offset to read) for the group; a no-op without a group. */
  commit(positions: PartitionPosition[]): Promise<void>;
  /** Partitions currently assigned to this member. */
  assignment(): TopicPartition[];
  close(): Promise<void>;
}

/** The message bus seam: Kafka in production, memory when embedded. Both pass test/bus/contract. */
export interface Bus {
  readonly kind: 'kafka' | 'memory';
  /** Resolves when the bus is reachable and the credentials are accepted, or rejects naming the cause. */
  connect(): Promise<void>;
  produce(records: OutgoingRecord[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Creates topics that do not exist yet; existing topics are left as they are. */
  createTopics(topics: TopicSpec[]): Promise<void>;
  deleteTopics(names: string[]): Promise<void>;
  listTopics(): Promise<string[]>;
  /** Per partition, the offset the next produced record will get. */
  endOffsets(topic: string): Promise<Map<number, bigint>>;
  /** Per partition, the committed position of a group (partitions never committed are absent). */
  committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>>;
  /** Per partition, records not yet committed by the group (end offset − committed, or all). */
  lag(groupId: string, topic: string): Promise<Map<number, bigint>>;
  close(): Promise<void>;
}
