import {
  GEOBOT_LOGGER_DEFAULTS as G,
  readGeobotLoggerConfig,
  runGeobotLogger,
} from '../../services/geobot-logger/index.ts';
import { DEFAULT_CONSUMER_OPTIONS as D } from '../../consumer/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';

export const geobotLoggerCommand: CliCommand = {
  help: `Usage: streamforge geobot-logger

Runs geobot's LOGGER (seed 003): reads envelopes {service, action, payload: {message, timestamp, data}}
from KAFKA_TOPIC (${G.topic}) and indexes each as the seed's elk_document into Elasticsearch with the bulk
API, index ELASTICSEARCH_INDEX (${G.index}). Documents are written per partition batch and offsets are
committed only after Elasticsearch acknowledged them; a document's id is <topic>-<partition>-<offset>,
so a batch written again after an outage overwrites instead of duplicating. Records that are not
envelopes, and documents Elasticsearch refuses (400: mapping conflicts, bad dates), go to the dead-letter
topic; 429/5xx are retried per document, then the partition pauses until Elasticsearch is back.
Without ELASTICSEARCH_URL, a searchable table in PostgreSQL (DATABASE_URL) takes the documents instead.
Configured by environment only (see docs/geobot.md#logger):

Elasticsearch: ELASTICSEARCH_URL (e.g. http://127.0.0.1:9200), ELASTICSEARCH_INDEX (${G.index}),
               ELASTICSEARCH_API_KEY or ELASTICSEARCH_USERNAME + ELASTICSEARCH_PASSWORD,
               ELASTICSEARCH_CA_PATH, ELASTICSEARCH_BULK_RETRIES (${G.bulkRetries}), ELASTICSEARCH_REQUEST_TIMEOUT (30s)
PostgreSQL:    DATABASE_URL (used when ELASTICSEARCH_URL is not set), DATABASE_SCHEMA (${G.schema}),
               GEOBOT_LOG_TABLE (${G.table})
Kafka:         KAFKA_BOOTSTRAP_SERVERS (${G.brokers}), KAFKA_TOPIC (${G.topic}), KAFKA_GROUP_ID (${G.groupId}),
               KAFKA_BATCH_SIZE (${D.batchSize}: documents per bulk request, at most), KAFKA_DLQ_TOPIC (<topic>-dlq),
               KAFKA_MAX_RETRIES (${D.maxRetries}), KAFKA_RETRY_BACKOFF (100ms), KAFKA_RETRY_BACKOFF_MAX (30s: longest
               pause while Elasticsearch is away), KAFKA_START_OFFSET (${D.startOffset}), KAFKA_COMMIT_INTERVAL (1s),
               KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH (TLS + SCRAM-SHA-512), and the other KAFKA_* of
               "streamforge consumer --help"
Service:       APP_NAME (${G.name}), LOG_LEVEL (info), METRICS_ENABLED (true), METRICS_PORT (${G.metricsPort}),
               METRICS_PATH (${G.metricsPath}), SHUTDOWN_TIMEOUT (20s), LIVENESS_TIMEOUT (60s)

HTTP on METRICS_PORT: /metrics (consumer_* and geobot_logger_*), /health/live, /health/ready (503 while
Elasticsearch or PostgreSQL does not answer), /health/startup.
SIGTERM or SIGINT: stop fetching, finish the batch in flight, commit, close.
Exit code: 0 after a graceful stop, 1 on a failure it cannot survive, 2 on bad configuration.`,
  async run(argv, env) {
    parseFlags(argv, { help: { type: 'boolean', short: 'h' } });
    const code = await runGeobotLogger(readGeobotLoggerConfig(env));
    setTimeout(() => process.exit(code), 1000).unref();
    return code;
  },
};
