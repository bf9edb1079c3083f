import { createLogger, readJobConfig } from '../../runtime/index.ts';
import {
  CONNECTOR_HTTP_PORT,
  CONNECTOR_TARGET,
  readConnectorOptions,
  runConnectorService,
} from '../../services/connector/index.ts';
import { parseFlags, type CliCommand } from '../args.ts';

const FLAGS = { debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export const connectorCommand: CliCommand = {
  help: `Usage: streamforge connector [--debug]

Runs one arango-connector job (job target "${CONNECTOR_TARGET}"): drains the data topic of TYPE from the
earliest offset in a consumer group stable for the job (a restarted job resumes), upserts batches into
the collection on natural keys, commits only after the write, dead-letters records that cannot be
stored (to <topic>-dlq), and finishes once every partition delivered the end-of-stream marker of the
loader run it follows (UPSTREAM_PRODUCER: that loader's telemetry_id; unset, any one run's), with
counts that agree with the topic (else SF_END_OF_STREAM_MISMATCH); live types (ws_*) run until stopped.

Storage: ArangoDB when ARANGO_URL is set (ARANGO_DB, ARANGO_USER, ARANGO_PASSWORD), else PostgreSQL at
DATABASE_URL (one table per collection), else PGlite in STREAMFORGE_DATA_DIR.

Environment:
  SYMBOL, TYPE (the loader's), TIME_RANGE, KAFKA_TOPIC (default <QUEUE_ID>.<TYPE>),
  COLLECTION_NAME (default {symbol}_{type}_{YYYY_MM_DD}), CONSUMER_GROUP (default
  arango-connector.<topic>.<collection>), CONNECTOR_BATCH_SIZE (20000), CONNECTOR_MAX_RETRIES (2),
  UPSTREAM_PRODUCER (the queue manager sets it), UPSERT_METHOD (copy on PostgreSQL, unnest on PGlite; or values), DATA_TOPIC_PARTITIONS (3),
  LOADING_INTERVAL_SECONDS (5), QUEUE_ID, TELEMETRY_PRODUCER_ID, KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER,
  KAFKA_PASSWORD, KAFKA_CA_PATH, QUEUE_CONTROL_TOPIC, QUEUE_EVENTS_TOPIC, METRICS_PORT (${CONNECTOR_HTTP_PORT}).

Exit code: 0 on finished or stopped, 1 on error.`,
  async run(argv, env) {
    const flags = parseFlags(argv, FLAGS);
    const config = readJobConfig({ TARGET: CONNECTOR_TARGET, ...env }, CONNECTOR_TARGET, CONNECTOR_HTTP_PORT);
    const options = readConnectorOptions(env);
    const logger = createLogger({
      service: CONNECTOR_TARGET,
      level: flags.debug ? 'debug' : 'info',
      base: { queue_id: config.queueId, telemetry_id: config.telemetryId },
    });
    if (!config.kafka)
      logger.warn(
        'KAFKA_BOOTSTRAP_SERVERS is not set: running on an in-memory bus only this process reaches',
      );
    const outcome = await runConnectorService({ config, options, logger });
    return outcome.exitCode;
  },
};
