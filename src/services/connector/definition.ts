import { MARKET_DATA_TYPES } from '../../protocol/index.ts';
import { defineJob } from '../../launcher/job-definition.ts';
import { readConnectorOptions } from './options.ts';

/** The seed's name for the job that stores a topic into a collection (whatever the database). */
export const CONNECTOR_TARGET = 'arango-connector';
export const CONNECTOR_HTTP_PORT = 8002;

/** arango-connector (`streamforge connector`): drains the loader's topic of its type into a collection. */
export const connectorDefinition = defineJob({
  target: CONNECTOR_TARGET,
  service: CONNECTOR_TARGET,
  summary: 'stores the data topic of its type into a collection',
  // The type of the loader it drains.
  types: MARKET_DATA_TYPES,
  fields: {},
  inputs: [],
  // Candles or trades, by its type: a graph-builder's `btc_candles_5m_2024_06` resolves to it.
  output: { kind: 'market-data' },
  upstream: [],
  worker: {
    readOptions: readConnectorOptions,
    work: (options, runtime) => async (ctx) => {
      // Imported when the job runs: the sinks bring pg and the ArangoDB client.
      const [{ createConnectorWork }, { PostgresSink }] = await Promise.all([
        import('./connector-work.ts'),
        import('./sinks/postgres-sink.ts'),
      ]);
      // In-process connectors of `streamforge up` share the embedded store (one PGlite owner per directory).
      const shared =
        runtime.store && !options.arango && !options.databaseUrl
          ? new PostgresSink(runtime.store)
          : undefined;
      return createConnectorWork(options, { sink: shared })(ctx);
    },
    cli: {
      command: 'connector',
      summary: 'run arango-connector: drain a data topic into a collection (PostgreSQL, PGlite or ArangoDB)',
      httpPort: CONNECTOR_HTTP_PORT,
      // Draining the last batch into the database on a stop can take a while.
      stopGraceMs: 30_000,
      args: () => ['connector'],
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
    },
  },
});
