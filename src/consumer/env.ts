import { readBoolean, readChoice, readInteger, readString, type Env } from '../runtime/config/env.ts';
import { parseDuration } from './duration.ts';
import { DEFAULT_CONSUMER_OPTIONS, resolveConsumerOptions, type ResolvedConsumerOptions } from './options.ts';

function readDuration(env: Env, name: string, fallbackMs: number): number {
  const value = readString(env, name);
  return value === undefined ? fallbackMs : parseDuration(name, value);
}

/**
 * The consumer's options from seed 002's environment (KAFKA_TOPIC, KAFKA_GROUP_ID, KAFKA_MIN_BYTES,
 * KAFKA_MAX_BYTES, KAFKA_MAX_WAIT, KAFKA_COMMIT_INTERVAL, KAFKA_START_OFFSET, KAFKA_MAX_RETRIES,
 * KAFKA_RETRY_BACKOFF) plus StreamForge's additions; durations are Go-style ("1s", "100ms").
 */
export function readConsumerOptions(env: Env): ResolvedConsumerOptions {
  const d = DEFAULT_CONSUMER_OPTIONS;
  return resolveConsumerOptions({
    topic: readString(env, 'KAFKA_TOPIC', d.topic),
    groupId: readString(env, 'KAFKA_GROUP_ID', d.groupId),
    minBytes: readInteger(env, 'KAFKA_MIN_BYTES', d.minBytes, 1),
    maxBytes: readInteger(env, 'KAFKA_MAX_BYTES', d.maxBytes, 1),
    maxWaitMs: readDuration(env, 'KAFKA_MAX_WAIT', d.maxWaitMs),
    commitIntervalMs: readDuration(env, 'KAFKA_COMMIT_INTERVAL', d.commitIntervalMs),
    startOffset: readChoice(env, 'KAFKA_START_OFFSET', ['earliest', 'latest'] as const, d.startOffset),
    maxRetries: readInteger(env, 'KAFKA_MAX_RETRIES', d.maxRetries),
    retryBackoffMs: readDuration(env, 'KAFKA_RETRY_BACKOFF', d.retryBackoffMs),
    maxRetryBackoffMs: readDuration(env, 'KAFKA_RETRY_BACKOFF_MAX', d.maxRetryBackoffMs),
    deadLetterTopic: readString(env, 'KAFKA_DLQ_TOPIC'),
    batchSize: readInteger(env, 'KAFKA_BATCH_SIZE', d.batchSize, 1),
    concurrency: readInteger(env, 'KAFKA_CONCURRENCY', d.concurrency, 1),
    shutdownTimeoutMs: readDuration(env, 'SHUTDOWN_TIMEOUT', d.shutdownTimeoutMs),
    livenessTimeoutMs: readDuration(env, 'LIVENESS_TIMEOUT', d.livenessTimeoutMs),
    lagIntervalMs: readDuration(env, 'KAFKA_LAG_INTERVAL', d.lagIntervalMs),
    createTopics: readBoolean(env, 'KAFKA_CREATE_TOPICS', d.createTopics),
  });
}
