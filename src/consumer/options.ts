import { ErrorCodes, StreamForgeError } from '../protocol/index.ts';

/**
 * How an EventConsumer reads, retries, dead-letters and commits. Every field is optional; the
 * defaults are seed 002's (its environment names in brackets, read by `readConsumerOptions`).
 */
export interface ConsumerOptions {
  /** [KAFKA_TOPIC] the topic to read. Default 'events'. */
  topic?: string;
  /** [KAFKA_GROUP_ID] consumer group: shares partitions, remembers positions. Default 'consumer-service'. */
  groupId?: string;
  /** [KAFKA_MIN_BYTES] a fetch waits for this many bytes (or maxWaitMs). Default 10000. */
  minBytes?: number;
  /** [KAFKA_MAX_BYTES] most bytes one fetch returns. Default 10000000. */
  maxBytes?: number;
  /** [KAFKA_MAX_WAIT] longest a fetch (and an idle poll) waits, in ms. Default 1000. */
  maxWaitMs?: number;
  /** [KAFKA_COMMIT_INTERVAL] how often handled positions are committed, in ms; 0 commits after every batch. Default 1000. */
  commitIntervalMs?: number;
  /** [KAFKA_START_OFFSET] where a group without a committed position starts. Default 'earliest'. */
  startOffset?: 'earliest' | 'latest';
  /** [KAFKA_MAX_RETRIES] retries of a failing handler before the record is dead-lettered. Default 3. */
  maxRetries?: number;
  /** [KAFKA_RETRY_BACKOFF] first retry delay, in ms; doubles each attempt, plus up to 50 % jitter. Default 100. */
  retryBackoffMs?: number;
  /** [KAFKA_RETRY_BACKOFF_MAX] cap of the doubling (also of outage retries), in ms. Default 30000. */
  maxRetryBackoffMs?: number;
  /** [KAFKA_DLQ_TOPIC] where records that cannot be handled go. Default `${topic}-dlq`. */
  deadLetterTopic?: string;
  /** [KAFKA_BATCH_SIZE] most records taken per poll and handled per partition at once. Default 500. */
  batchSize?: number;
  /** [KAFKA_CONCURRENCY] keys of one partition handled at once (order kept per key). Default 1. */
  concurrency?: number;
  /** Records held in memory before polling pauses (while a partition waits out an outage). Default 10 × batchSize. */
  maxBufferedRecords?: number;
  /** [SHUTDOWN_TIMEOUT] longest stop() waits for in-flight handlers before abandoning them uncommitted, in ms. Default 20000. */
  shutdownTimeoutMs?: number;
  /** [LIVENESS_TIMEOUT] a handler running, or the loop not polling, this long makes isLive() false, in ms. Default 60000. */
  livenessTimeoutMs?: number;
  /** [KAFKA_LAG_INTERVAL] how often consumer_lag is measured, in ms. Default 5000. */
  lagIntervalMs?: number;
  /** Create the topic (1 partition) and the dead-letter topic when missing. Default true. */
  createTopics?: boolean;
}

export type ResolvedConsumerOptions = Readonly<Required<ConsumerOptions>>;

export const DEFAULT_CONSUMER_OPTIONS = Object.freeze({
  topic: 'events',
  groupId: 'consumer-service',
  minBytes: 10_000,
  maxBytes: 10_000_000,
  maxWaitMs: 1000,
  commitIntervalMs: 1000,
  startOffset: 'earliest',
  maxRetries: 3,
  retryBackoffMs: 100,
  maxRetryBackoffMs: 30_000,
  batchSize: 500,
  concurrency: 1,
  shutdownTimeoutMs: 20_000,
  livenessTimeoutMs: 60_000,
  lagIntervalMs: 5000,
  createTopics: true,
} as const satisfies ConsumerOptions);

/** Fills in the defaults, checks every value once and freezes the result. */
export function resolveConsumerOptions(options: ConsumerOptions = {}): ResolvedConsumerOptions {
  const given = Object.fromEntries(
    Object.entries(options).filter(([, v]) => v !== undefined),
  ) as ConsumerOptions;
  const merged = { ...DEFAULT_CONSUMER_OPTIONS, ...given };
  const topic = nonEmpty('topic', merged.topic);
  const batchSize = integer('batchSize', merged.batchSize, 1);
  const resolved: Required<ConsumerOptions> = {
    topic,
    groupId: nonEmpty('groupId', merged.groupId),
    minBytes: integer('minBytes', merged.minBytes, 1),
    maxBytes: integer('maxBytes', merged.maxBytes, 1),
    maxWaitMs: integer('maxWaitMs', merged.maxWaitMs, 1),
    commitIntervalMs: integer('commitIntervalMs', merged.commitIntervalMs, 0),
    startOffset: merged.startOffset,
    maxRetries: integer('maxRetries', merged.maxRetries, 0),
    retryBackoffMs: integer('retryBackoffMs', merged.retryBackoffMs, 0),
    maxRetryBackoffMs: integer('maxRetryBackoffMs', merged.maxRetryBackoffMs, 0),
    deadLetterTopic: nonEmpty('deadLetterTopic', merged.deadLetterTopic ?? `${topic}-dlq`),
    batchSize,
    concurrency: integer('concurrency', merged.concurrency, 1),
    maxBufferedRecords: integer('maxBufferedRecords', merged.maxBufferedRecords ?? batchSize * 10, batchSize),
    shutdownTimeoutMs: integer('shutdownTimeoutMs', merged.shutdownTimeoutMs, 0),
    livenessTimeoutMs: integer('livenessTimeoutMs', merged.livenessTimeoutMs, 1),
    lagIntervalMs: integer('lagIntervalMs', merged.lagIntervalMs, 1),
    createTopics: merged.createTopics,
  };
  if (resolved.startOffset !== 'earliest' && resolved.startOffset !== 'latest') {
    throw invalid('startOffset', String(resolved.startOffset), 'earliest or latest');
  }
  if (resolved.maxBytes < resolved.minBytes) {
    throw invalid('maxBytes', String(resolved.maxBytes), `at least minBytes (${resolved.minBytes})`);
  }
  if (resolved.deadLetterTopic === topic) {
    throw invalid('deadLetterTopic', resolved.deadLetterTopic, 'a topic other than the one consumed');
  }
  return Object.freeze(resolved);
}

function invalid(name: string, value: string, expected: string): StreamForgeError {
  return new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `consumer option ${name}=${value} is invalid: expected ${expected}`,
  );
}

function nonEmpty(name: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid(name, JSON.stringify(value), 'a non-empty string');
  return value.trim();
}

function integer(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw invalid(name, String(value), `an integer ≥ ${min}`);
  return value;
}
