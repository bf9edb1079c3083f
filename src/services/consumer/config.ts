import type { KafkaConnectionOptions } from '../../bus/index.ts';
import {
  invalidSetting,
  readConsumerOptions,
  readMetricsEndpoint,
  readServiceKafka,
  type MetricsEndpoint,
  type ResolvedConsumerOptions,
} from '../../consumer/index.ts';
import {
  readBoolean,
  readChoice,
  readInteger,
  readString,
  requireString,
  type Env,
} from '../../runtime/index.ts';

/** consumer-service's configuration: seed 002's environment tables, validated once and frozen. */
export interface ConsumerServiceConfig {
  readonly app: {
    /** APP_NAME, default consumer-service: the `service` field of log lines. */
    readonly name: string;
    /** APP_VERSION, default 1.0.0. */
    readonly version: string;
    /** APP_ENV: development (default), staging or production. */
    readonly env: 'development' | 'staging' | 'production';
    /** APP_DEBUG, default false: debug logging unless LOG_LEVEL says otherwise. */
    readonly debug: boolean;
  };
  readonly log: {
    /** LOG_LEVEL: debug, info (default), warn or error. */
    readonly level: 'debug' | 'info' | 'warn' | 'error';
    /** LOG_FORMAT: json (default) or text. */
    readonly format: 'json' | 'text';
  };
  /** KAFKA_BROKER_LIST or KAFKA_BOOTSTRAP_SERVERS (default localhost:9092), KAFKA_CLIENT_ID, KAFKA_USER… */
  readonly kafka: KafkaConnectionOptions;
  /** KAFKA_TOPIC, KAFKA_GROUP_ID, KAFKA_MIN_BYTES… (see src/consumer/options.ts). */
  readonly consumer: ResolvedConsumerOptions;
  /** METRICS_ENABLED, METRICS_PORT (default :9091, all interfaces), METRICS_PATH (default /metrics). */
  readonly metrics: MetricsEndpoint;
  readonly database: {
    /** DATABASE_URL (required): the PostgreSQL that holds the users table. */
    readonly url: string;
    /** DATABASE_SCHEMA, default public: where the users table lives. */
    readonly schema: string;
    /** DATABASE_MAX_CONNECTIONS, default 10. */
    readonly maxConnections: number;
  };
}

export const CONSUMER_SERVICE_DEFAULTS = Object.freeze({
  appName: 'consumer-service',
  appVersion: '1.0.0',
  brokers: 'localhost:9092',
  clientId: 'consumer-service',
  metricsPort: ':9091',
  metricsPath: '/metrics',
  schema: 'public',
});

export function readConsumerServiceConfig(env: Env): ConsumerServiceConfig {
  const d = CONSUMER_SERVICE_DEFAULTS;
  const debug = readBoolean(env, 'APP_DEBUG', false);
  const clientId = readString(env, 'KAFKA_CLIENT_ID', d.clientId);
  const kafka = readServiceKafka(env, clientId, d.brokers);
  const metrics = readMetricsEndpoint(env, { port: d.metricsPort, path: d.metricsPath });
  const schema = readString(env, 'DATABASE_SCHEMA', d.schema);
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw invalidSetting('DATABASE_SCHEMA', schema, 'a lower-case SQL identifier');
  return Object.freeze({
    app: Object.freeze({
      name: readString(env, 'APP_NAME', d.appName),
      version: readString(env, 'APP_VERSION', d.appVersion),
      env: readChoice(env, 'APP_ENV', ['development', 'staging', 'production'] as const, 'development'),
      debug,
    }),
    log: Object.freeze({
      level: readChoice(
        env,
        'LOG_LEVEL',
        ['debug', 'info', 'warn', 'error'] as const,
        debug ? 'debug' : 'info',
      ),
      format: readChoice(env, 'LOG_FORMAT', ['json', 'text'] as const, 'json'),
    }),
    kafka,
    consumer: readConsumerOptions(env),
    metrics,
    database: Object.freeze({
      url: requireString(
        env,
        'DATABASE_URL',
        'set it to the PostgreSQL that holds the users table, e.g. postgres://user:pass@127.0.0.1:5432/app',
      ),
      schema,
      maxConnections: readInteger(env, 'DATABASE_MAX_CONNECTIONS', 10, 1),
    }),
  });
}
