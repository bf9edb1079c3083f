import {
  CONSUMER_SERVICE_DEFAULTS,
  readConsumerServiceConfig,
  runConsumerService,
} from '../../services/consumer/index.ts';
import { DEFAULT_CONSUMER_OPTIONS as D } from '../../consumer/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';

const S = CONSUMER_SERVICE_DEFAULTS;

export const consumerCommand: CliCommand = {
  help: `Usage: streamforge consumer

Runs consumer-service (seed 002): reads user.created, user.updated and user.deleted events from
KAFKA_TOPIC and keeps the users table in PostgreSQL (DATABASE_URL) up to date, idempotently. Records
that cannot be handled go to the dead-letter topic; a database outage pauses, it never dead-letters.
Configured by environment only (see docs/consumer.md):

Application:  APP_NAME (${S.appName}), APP_VERSION (${S.appVersion}), APP_ENV (development|staging|production),
              APP_DEBUG (false)
Logging:      LOG_LEVEL (debug|info|warn|error; info), LOG_FORMAT (json|text; json)
Kafka:        KAFKA_BROKER_LIST or KAFKA_BOOTSTRAP_SERVERS (${S.brokers}), KAFKA_TOPIC (${D.topic}),
              KAFKA_GROUP_ID (${D.groupId}), KAFKA_CLIENT_ID (${S.clientId}), KAFKA_MIN_BYTES (${D.minBytes}),
              KAFKA_MAX_BYTES (${D.maxBytes}), KAFKA_MAX_WAIT (1s), KAFKA_COMMIT_INTERVAL (1s),
              KAFKA_START_OFFSET (earliest|latest; ${D.startOffset}), KAFKA_MAX_RETRIES (${D.maxRetries}),
              KAFKA_RETRY_BACKOFF (100ms), KAFKA_RETRY_BACKOFF_MAX (30s), KAFKA_DLQ_TOPIC (<topic>-dlq),
              KAFKA_BATCH_SIZE (${D.batchSize}), KAFKA_CONCURRENCY (${D.concurrency}), KAFKA_LAG_INTERVAL (5s),
              KAFKA_CREATE_TOPICS (true), KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH (TLS + SCRAM-SHA-512)
Shutdown:     SHUTDOWN_TIMEOUT (20s), LIVENESS_TIMEOUT (60s)
Metrics:      METRICS_ENABLED (true), METRICS_PORT (${S.metricsPort}), METRICS_PATH (${S.metricsPath})
Database:     DATABASE_URL (required), DATABASE_SCHEMA (${S.schema}), DATABASE_MAX_CONNECTIONS (10)

SIGTERM or SIGINT: stop fetching, finish in-flight events, commit, close Kafka, stop the metrics server.
Exit code: 0 after a graceful stop, 1 on a failure it cannot survive, 2 on bad configuration.`,
  async run(argv, env) {
    parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
    const code = await runConsumerService(readConsumerServiceConfig(env));
    // Work abandoned at the shutdown timeout may still hold a socket: exit anyway, soon.
    setTimeout(() => process.exit(code), 1000).unref();
    return code;
  },
};
