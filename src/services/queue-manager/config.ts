import {
  DEFAULT_QUEUE_CONTROL_TOPIC,
  DEFAULT_QUEUE_EVENTS_TOPIC,
  ErrorCodes,
  StreamForgeError,
} from '../../protocol/index.ts';
import { readInteger, readString, type Env } from '../../runtime/index.ts';
import { DEFAULT_SIMULATION, type SimulationOptions } from '../../launcher/job-catalog.ts';

/** Everything the queue manager is told, validated once and frozen. Defaults in brackets. */
export interface QueueManagerConfig {
  /** PORT [8080]; 0 picks a free one. */
  readonly port: number;
  /** HOST [0.0.0.0; `up` uses 127.0.0.1]. */
  readonly host: string;
  /** QUEUE_MANAGER_TOKEN: bearer token of mutating routes; unset: no authentication. */
  readonly token: string | undefined;
  /** QUEUE_CONTROL_TOPIC [queue-control]. */
  readonly controlTopic: string;
  /** QUEUE_EVENTS_TOPIC [queue-events]. */
  readonly eventsTopic: string;
  /** QUEUE_MANAGER_GROUP_ID [streamforge-queue-manager]: the manager's own consumer group on queue-events. */
  readonly groupId: string;
  /** QUEUE_EVENTS_PARTITIONS [1]: partitions of queue-events when the manager creates it. */
  readonly eventsPartitions: number;
  /**
   * DATA_TOPIC_PARTITIONS [3]: partitions of each per-queue data topic; the same default as the loader's
   * and the connector's when they create it. Three let the connector write three batches at once; one
   * makes PostgreSQL's work cheaper but writes one COPY at a time, and bench/pipeline ends no sooner
   * (docs/market-data.md).
   */
  readonly dataTopicPartitions: number;
  /** HEARTBEAT_TIMEOUT_SECONDS [60]: silence after which a running job is pinged. */
  readonly heartbeatTimeoutMs: number;
  /** PING_TIMEOUT_SECONDS [10]: how long a pinged job has to answer before it is marked lost. */
  readonly pingTimeoutMs: number;
  /** START_TIMEOUT_SECONDS [300]: how long a launched job may take to publish `started` (image pulls). */
  readonly startTimeoutMs: number;
  /** STOP_GRACE_SECONDS [30]: how long a stopped job may take to publish `interrupted` before it is terminated. */
  readonly stopGraceMs: number;
  /** EXIT_GRACE_SECONDS [5]: after a job's process or pod ended, how long its final event may take to arrive. */
  readonly exitGraceMs: number;
  /** SUPERVISE_INTERVAL_MS [1000]: period of the heartbeat, stop and exit checks. */
  readonly superviseIntervalMs: number;
  /** FOLD_BATCH_SIZE [5000]: most telemetry events folded into the database in one transaction. */
  readonly foldBatchSize: number;
  /** QUEUE_CACHE_TTL_MS [1000]: longest a cached GET /queues/{id} answer lives (writes by this process invalidate it at once). */
  readonly cacheTtlMs: number;
  /** SIMULATED_* : how dummy-service plays the targets that have no real worker yet. */
  readonly simulation: SimulationOptions;
}

export function readQueueManagerConfig(
  env: Env,
  defaults: { port?: number; host?: string } = {},
): QueueManagerConfig {
  const seconds = (name: string, fallback: number, min = 1): number =>
    readNumber(env, name, fallback, min) * 1000;
  return Object.freeze({
    port: readInteger(env, 'PORT', defaults.port ?? 8080),
    host: readString(env, 'HOST', defaults.host ?? '0.0.0.0'),
    token: readString(env, 'QUEUE_MANAGER_TOKEN'),
    controlTopic: readString(env, 'QUEUE_CONTROL_TOPIC', DEFAULT_QUEUE_CONTROL_TOPIC),
    eventsTopic: readString(env, 'QUEUE_EVENTS_TOPIC', DEFAULT_QUEUE_EVENTS_TOPIC),
    groupId: readString(env, 'QUEUE_MANAGER_GROUP_ID', 'streamforge-queue-manager'),
    eventsPartitions: readInteger(env, 'QUEUE_EVENTS_PARTITIONS', 1, 1),
    dataTopicPartitions: readInteger(env, 'DATA_TOPIC_PARTITIONS', 3, 1),
    heartbeatTimeoutMs: seconds('HEARTBEAT_TIMEOUT_SECONDS', 60, 0.05),
    pingTimeoutMs: seconds('PING_TIMEOUT_SECONDS', 10, 0.05),
    startTimeoutMs: seconds('START_TIMEOUT_SECONDS', 300, 0.05),
    stopGraceMs: seconds('STOP_GRACE_SECONDS', 30, 0.05),
    exitGraceMs: seconds('EXIT_GRACE_SECONDS', 5, 0),
    superviseIntervalMs: readInteger(env, 'SUPERVISE_INTERVAL_MS', 1000, 10),
    foldBatchSize: readInteger(env, 'FOLD_BATCH_SIZE', 5000, 1),
    cacheTtlMs: readInteger(env, 'QUEUE_CACHE_TTL_MS', 1000, 0),
    simulation: Object.freeze({
      loadingIntervalSeconds: readNumber(
        env,
        'SIMULATED_LOADING_INTERVAL_SECONDS',
        DEFAULT_SIMULATION.loadingIntervalSeconds,
        0.01,
      ),
      jobSeconds: readNumber(env, 'SIMULATED_JOB_SECONDS', DEFAULT_SIMULATION.jobSeconds, 0),
      recordsPerTick: readInteger(env, 'SIMULATED_RECORDS_PER_TICK', DEFAULT_SIMULATION.recordsPerTick, 0),
    }),
  });
}

function readNumber(env: Env, name: string, fallback: number, min: number): number {
  const text = readString(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `${name}="${text}" is invalid: expected a number ≥ ${min}`,
    );
  }
  return value;
}
