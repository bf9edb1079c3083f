import {
  DEFAULT_QUEUE_CONTROL_TOPIC,
  DEFAULT_QUEUE_EVENTS_TOPIC,
  parseTimeRange,
  targetOfTelemetryId,
  telemetryId,
  type TimeRange,
} from '../../protocol/index.ts';
import type { KafkaConnectionOptions } from '../../bus/index.ts';
import { readInteger, readString, type Env } from './env.ts';
import { readKafkaConfig } from './kafka-config.ts';

/** What every job is told through its environment (seed 000, section 2). Validated once, frozen. */
export interface JobConfig {
  /** QUEUE_ID; default 'local' for a job started by hand. */
  readonly queueId: string;
  /** TELEMETRY_PRODUCER_ID; default `{target}__{random}`. */
  readonly telemetryId: string;
  /** JOB_ATTEMPT: 1 for the first launch of the job, +1 per retry; default 1. */
  readonly attempt: number;
  /** TARGET, else the prefix of TELEMETRY_PRODUCER_ID, else the service's own name. */
  readonly target: string;
  /** SYMBOL, e.g. BTCUSDT. */
  readonly symbol: string | undefined;
  /** TYPE, e.g. api_candles_5m. */
  readonly type: string | undefined;
  /** TIME_RANGE, parsed. */
  readonly timeRange: TimeRange | undefined;
  /** KAFKA_TOPIC: the data topic this job writes or reads. */
  readonly dataTopic: string | undefined;
  /** QUEUE_EVENTS_TOPIC, default 'queue-events'. */
  readonly eventsTopic: string;
  /** QUEUE_CONTROL_TOPIC, default 'queue-control'. */
  readonly controlTopic: string;
  /** KAFKA_*; undefined means embedded (in-memory bus). */
  readonly kafka: KafkaConnectionOptions | undefined;
  /** METRICS_PORT (or PORT) of /metrics and /health/*; default as the service says (8000 for dummy). */
  readonly httpPort: number;
}

export function readJobConfig(env: Env, service: string, defaultPort: number): JobConfig {
  const explicitId = readString(env, 'TELEMETRY_PRODUCER_ID');
  const target = readString(env, 'TARGET') ?? (explicitId && targetOfTelemetryId(explicitId)) ?? service;
  const range = readString(env, 'TIME_RANGE');
  return Object.freeze({
    queueId: readString(env, 'QUEUE_ID', 'local'),
    telemetryId: explicitId ?? telemetryId(target),
    attempt: readInteger(env, 'JOB_ATTEMPT', 1, 1),
    target,
    symbol: readString(env, 'SYMBOL'),
    type: readString(env, 'TYPE'),
    timeRange: range === undefined ? undefined : parseTimeRange(range),
    dataTopic: readString(env, 'KAFKA_TOPIC'),
    eventsTopic: readString(env, 'QUEUE_EVENTS_TOPIC', DEFAULT_QUEUE_EVENTS_TOPIC),
    controlTopic: readString(env, 'QUEUE_CONTROL_TOPIC', DEFAULT_QUEUE_CONTROL_TOPIC),
    kafka: readKafkaConfig(env, explicitId ?? target),
    httpPort: readInteger(env, 'METRICS_PORT', readInteger(env, 'PORT', defaultPort)),
  });
}
