import type { KafkaConnectionOptions } from '../../bus/index.ts';
import {
  invalidSetting,
  parseDuration,
  readConsumerOptions,
  readMetricsEndpoint,
  readServiceKafka,
  type MetricsEndpoint,
  type ResolvedConsumerOptions,
} from '../../consumer/index.ts';
import { GEOBOT_TOPICS } from '../../protocol/geobot/envelope.ts';
import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { readChoice, readInteger, readString, type Env } from '../../runtime/index.ts';
import type { ElasticsearchSinkOptions } from './sinks/elasticsearch-sink.ts';

export type LoggerSinkConfig =
  | ({ readonly kind: 'elasticsearch' } & Readonly<ElasticsearchSinkOptions>)
  | {
      readonly kind: 'postgres';
      /** DATABASE_URL. */
      readonly url: string;
      /** DATABASE_SCHEMA, default public. */
      readonly schema: string;
      /** GEOBOT_LOG_TABLE, default geobot_log. */
      readonly table: string;
    };

/** geobot-logger's configuration, validated once and frozen. */
export interface GeobotLoggerConfig {
  /** APP_NAME, default geobot-logger: the `service` field of log lines. */
  readonly name: string;
  /** LOG_LEVEL: debug, info (default), warn or error. */
  readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** KAFKA_BOOTSTRAP_SERVERS (or KAFKA_BROKER_LIST; default localhost:9092), KAFKA_USER… */
  readonly kafka: KafkaConnectionOptions;
  /** KAFKA_TOPIC (default info_in), KAFKA_GROUP_ID (default geobot-logger), KAFKA_BATCH_SIZE… */
  readonly consumer: ResolvedConsumerOptions;
  /** METRICS_ENABLED, METRICS_PORT (default :9095, all interfaces), METRICS_PATH (default /metrics). */
  readonly metrics: MetricsEndpoint;
  /** Elasticsearch when ELASTICSEARCH_URL is set, else the PostgreSQL log table of DATABASE_URL. */
  readonly sink: LoggerSinkConfig;
}

export const GEOBOT_LOGGER_DEFAULTS = Object.freeze({
  name: 'geobot-logger',
  topic: GEOBOT_TOPICS.info,
  groupId: 'geobot-logger',
  brokers: 'localhost:9092',
  metricsPort: ':9095',
  metricsPath: '/metrics',
  /** The seed's index: `'service': "logger-service"  # index для elastic`. */
  index: 'logger-service',
  bulkRetries: 3,
  retryBackoffMs: 200,
  requestTimeoutMs: 30_000,
  schema: 'public',
  table: 'geobot_log',
});

export function readGeobotLoggerConfig(env: Env): GeobotLoggerConfig {
  const d = GEOBOT_LOGGER_DEFAULTS;
  const name = readString(env, 'APP_NAME', d.name);
  const kafka = readServiceKafka(env, name, d.brokers);
  // The seed's topic and group unless KAFKA_TOPIC / KAFKA_GROUP_ID say otherwise.
  const consumer = readConsumerOptions({
    ...env,
    KAFKA_TOPIC: readString(env, 'KAFKA_TOPIC', d.topic),
    KAFKA_GROUP_ID: readString(env, 'KAFKA_GROUP_ID', d.groupId),
  });
  const metrics = readMetricsEndpoint(env, { port: d.metricsPort, path: d.metricsPath });
  return Object.freeze({
    name,
    logLevel: readChoice(env, 'LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
    kafka,
    consumer,
    metrics,
    sink: readSink(env),
  });
}

function readSink(env: Env): LoggerSinkConfig {
  const d = GEOBOT_LOGGER_DEFAULTS;
  const url = readString(env, 'ELASTICSEARCH_URL');
  if (url !== undefined) {
    if (!/^https?:$/.test(URL.parse(url)?.protocol ?? ''))
      throw invalidSetting('ELASTICSEARCH_URL', url, 'an http(s) URL such as http://127.0.0.1:9200');
    const index = readString(env, 'ELASTICSEARCH_INDEX', d.index);
    // Elasticsearch's own rules for index names.
    if (!/^[a-z0-9][^\\/*?"<>| ,#:A-Z]*$/.test(index) || index.length > 255)
      throw invalidSetting('ELASTICSEARCH_INDEX', index, 'a lower-case index name such as logger-service');
    const username = readString(env, 'ELASTICSEARCH_USERNAME');
    const password = readString(env, 'ELASTICSEARCH_PASSWORD');
    if (username !== undefined && password === undefined)
      throw new StreamForgeError(
        ErrorCodes.INVALID_CONFIG,
        'ELASTICSEARCH_USERNAME is set but ELASTICSEARCH_PASSWORD is not',
      );
    const timeout = readString(env, 'ELASTICSEARCH_REQUEST_TIMEOUT');
    return Object.freeze({
      kind: 'elasticsearch' as const,
      url,
      index,
      apiKey: readString(env, 'ELASTICSEARCH_API_KEY'),
      username,
      password,
      caPath: readString(env, 'ELASTICSEARCH_CA_PATH'),
      bulkRetries: readInteger(env, 'ELASTICSEARCH_BULK_RETRIES', d.bulkRetries, 0),
      retryBackoffMs: d.retryBackoffMs,
      requestTimeoutMs:
        timeout === undefined ? d.requestTimeoutMs : parseDuration('ELASTICSEARCH_REQUEST_TIMEOUT', timeout),
    });
  }
  const databaseUrl = readString(env, 'DATABASE_URL');
  if (databaseUrl === undefined) {
    throw new StreamForgeError(
      ErrorCodes.INVALID_CONFIG,
      'neither ELASTICSEARCH_URL nor DATABASE_URL is set: set ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200) ' +
        'to index into Elasticsearch, or DATABASE_URL to keep a searchable log table in PostgreSQL',
    );
  }
  const schema = readString(env, 'DATABASE_SCHEMA', d.schema);
  const table = readString(env, 'GEOBOT_LOG_TABLE', d.table);
  for (const [name, value] of [
    ['DATABASE_SCHEMA', schema],
    ['GEOBOT_LOG_TABLE', table],
  ] as const) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(value))
      throw invalidSetting(name, value, 'a lower-case SQL identifier');
  }
  return Object.freeze({ kind: 'postgres' as const, url: databaseUrl, schema, table });
}
