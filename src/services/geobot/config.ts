import type { KafkaConnectionOptions } from '../../bus/kafka/options.ts';
import { readConsumerOptions, type ResolvedConsumerOptions } from '../../consumer/index.ts';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import {
  readBoolean,
  readChoice,
  readInteger,
  readKafkaConfig,
  readString,
  requireString,
  type Env,
} from '../../runtime/index.ts';
import { readGeobotTopics, type GeobotTopics } from './topics.ts';

type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** The LK gateway (`streamforge geobot-gateway`). Defaults in brackets. */
export interface GatewayConfig {
  /** SERVICE_NAME [lk]: the envelope's `service`. */
  readonly service: string;
  /** PORT [5500, the seed's LK port]; 0 picks a free one. */
  readonly port: number;
  /** HOST [0.0.0.0]. */
  readonly host: string;
  /**
   * KAFKA_BOOTSTRAP_SERVERS… (undefined when embedded). KAFKA_DELIVERY_TIMEOUT_SECONDS defaults to 10
   * here, not 120: it is how long a request waits for the broker before it is answered 503.
   */
  readonly kafka: KafkaConnectionOptions | undefined;
  readonly topics: GeobotTopics;
  /** CREATE_TOPICS [true]: create missing topics at start (TOPIC_PARTITIONS each). */
  readonly createTopics: boolean;
  /** LOG_LEVEL [info]. */
  readonly logLevel: LogLevel;
}

/** What ARM and WORKER share. */
export interface ProcessorConfig {
  /** SERVICE_NAME [arm | worker]: the `service` of their replies. */
  readonly service: string;
  readonly kafka: KafkaConnectionOptions | undefined;
  readonly topics: GeobotTopics;
  /** KAFKA_GROUP_ID [geobot-arm | geobot-worker]: each topic is read by the group `<id>.<topic>`. */
  readonly groupId: string;
  /**
   * KAFKA_MAX_RETRIES, KAFKA_RETRY_BACKOFF, KAFKA_COMMIT_INTERVAL, KAFKA_CONCURRENCY… as for
   * `streamforge consumer` (KAFKA_TOPIC and KAFKA_DLQ_TOPIC do not apply: topics above, dead letters
   * on `<topic>-dlq`).
   */
  readonly consumer: ResolvedConsumerOptions;
  /** METRICS_PORT [8000 | 8011], METRICS_HOST [0.0.0.0]: /metrics and /health/*; METRICS_ENABLED [true]. */
  readonly metrics: { readonly enabled: boolean; readonly host: string; readonly port: number };
  readonly logLevel: LogLevel;
}

export interface ArmConfig extends ProcessorConfig {
  readonly database: {
    /** DATABASE_URL (required unless embedded). */
    readonly url: string | undefined;
    /** DATABASE_SCHEMA [public]: where geobot_users lives. */
    readonly schema: string;
    /** DATABASE_MAX_CONNECTIONS [5]. */
    readonly maxConnections: number;
  };
}

export interface WorkerConfig extends ProcessorConfig {
  /** TASK_PROGRESS_STEPS [10]: progress envelopes per task. */
  readonly progressSteps: number;
}

export const GATEWAY_DELIVERY_TIMEOUT_SECONDS = 10;

export function readGatewayConfig(env: Env, options: { embedded?: boolean } = {}): GatewayConfig {
  const kafka = options.embedded
    ? undefined
    : requireKafka(
        { KAFKA_DELIVERY_TIMEOUT_SECONDS: String(GATEWAY_DELIVERY_TIMEOUT_SECONDS), ...definedOnly(env) },
        'geobot-gateway',
      );
  return Object.freeze({
    service: readString(env, 'SERVICE_NAME', 'lk'),
    port: readInteger(env, 'PORT', 5500),
    host: readString(env, 'HOST', '0.0.0.0'),
    kafka,
    topics: readGeobotTopics(env),
    createTopics: readBoolean(env, 'CREATE_TOPICS', true),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  });
}

function readProcessorConfig(
  env: Env,
  kind: 'arm' | 'worker',
  defaults: { metricsPort: number; retries: string; backoff: string },
  embedded: boolean,
): ProcessorConfig {
  const consumerEnv = {
    KAFKA_MAX_RETRIES: defaults.retries,
    KAFKA_RETRY_BACKOFF: defaults.backoff,
    ...definedOnly(env),
  };
  return {
    service: readString(env, 'SERVICE_NAME', kind),
    kafka: embedded ? undefined : requireKafka(env, `geobot-${kind}`),
    topics: readGeobotTopics(env),
    groupId: readString(env, 'KAFKA_GROUP_ID', `geobot-${kind}`),
    consumer: readConsumerOptions(consumerEnv),
    metrics: Object.freeze({
      enabled: readBoolean(env, 'METRICS_ENABLED', true),
      host: readString(env, 'METRICS_HOST', '0.0.0.0'),
      port: readInteger(env, 'METRICS_PORT', defaults.metricsPort),
    }),
    logLevel: readChoice(env, 'LOG_LEVEL', LOG_LEVELS, 'info'),
  };
}

/**
 * ARM: a missing user on update_user is retried (its create_user may still be on its way on the other
 * topic), so ARM retries more patiently than the consumer's defaults: 5 times from 500 ms (≈ 15 s).
 */
export function readArmConfig(env: Env, options: { embedded?: boolean } = {}): ArmConfig {
  const base = readProcessorConfig(
    env,
    'arm',
    { metricsPort: 8000, retries: '5', backoff: '500ms' },
    options.embedded ?? false,
  );
  const schema = readString(env, 'DATABASE_SCHEMA', 'public');
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      `DATABASE_SCHEMA="${schema}" is invalid: expected a lower-case SQL identifier`,
    );
  }
  return Object.freeze({
    ...base,
    database: Object.freeze({
      url: options.embedded
        ? undefined
        : requireString(
            env,
            'DATABASE_URL',
            'ARM keeps its users in PostgreSQL, e.g. postgres://user@host:5432/geobot',
          ),
      schema,
      maxConnections: readInteger(env, 'DATABASE_MAX_CONNECTIONS', 5, 1),
    }),
  });
}

export function readWorkerConfig(env: Env, options: { embedded?: boolean } = {}): WorkerConfig {
  const base = readProcessorConfig(
    env,
    'worker',
    { metricsPort: 8011, retries: '3', backoff: '100ms' },
    options.embedded ?? false,
  );
  return Object.freeze({ ...base, progressSteps: readInteger(env, 'TASK_PROGRESS_STEPS', 10, 1) });
}

function requireKafka(env: Env, clientId: string): KafkaConnectionOptions {
  const kafka = readKafkaConfig(env, clientId);
  if (!kafka) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'KAFKA_BOOTSTRAP_SERVERS is not set: geobot needs Kafka (or run it embedded: "streamforge up --geobot")',
    );
  }
  return kafka;
}

/** Unset and empty variables dropped, so that a default given before them survives the spread. */
function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1].trim() !== ''),
  );
}
