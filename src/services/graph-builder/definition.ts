import { Type } from '@sinclair/typebox';
import { collectionField, collectionListField, typeRule } from '../../protocol/index.ts';
import { defineJob } from '../../launcher/job-definition.ts';
import type { Env } from '../../runtime/index.ts';
import { readGraphBuilderOptions, type GraphBuilderOptions } from './options.ts';

export const GRAPH_BUILDER_TARGET = 'graph-builder';
export const GRAPH_BUILDER_HTTP_PORT = 8003;

/**
 * The job's options from its environment. A request without `collection_output` still names the graph:
 * the manager passes COLLECTION_NAME (`{symbol}_{type}_{YYYY_MM_DD}`), the collection it records for the job.
 */
export function readGraphBuilderJobOptions(env: Env): GraphBuilderOptions {
  return readGraphBuilderOptions(
    env.COLLECTION_OUTPUT === undefined && env.COLLECTION_NAME !== undefined
      ? { ...env, COLLECTION_OUTPUT: env.COLLECTION_NAME }
      : env,
  );
}

/** graph-builder (`streamforge graph-builder`): a graph of candle windows from candles and trades. */
export const graphBuilderDefinition = defineJob({
  target: GRAPH_BUILDER_TARGET,
  service: GRAPH_BUILDER_TARGET,
  summary: 'builds a graph of candle windows from the candles and trades its queue stored',
  types: [typeRule('gnn_graph', false, 'gnn_graph'), typeRule('realtime_graph', true, 'realtime_graph')],
  fields: {
    collection_inputs: Type.Optional(
      collectionListField(
        'graph-builder: datasets it reads, named by kind (`btc_candles_5m_2024_06`, `btc_trades_2024_06`); each resolves to the connector of the queue that writes that kind',
      ),
    ),
    collection_output: Type.Optional(collectionField('graph-builder: the graph it writes')),
  },
  inputs: [{ field: 'collection_inputs', kind: 'market-data', mustResolve: true }],
  output: { field: 'collection_output', kind: 'graph' },
  upstream: ['arango-connector'],
  worker: {
    readOptions: readGraphBuilderJobOptions,
    // Imported when the job runs: `streamforge --help` and other jobs load only definitions.
    work: (options, runtime) => async (ctx) => {
      const { graphBuilderWork } = await import('./index.ts');
      // In-process jobs of `streamforge up` share the embedded store (one PGlite owner per directory).
      const shared = runtime.store && !options.databaseUrl ? runtime.store : undefined;
      return graphBuilderWork(ctx.config.type, options, shared)(ctx);
    },
    cli: {
      command: 'graph-builder',
      summary:
        'run graph-builder: build a graph of candle windows (gnn_graph) or extend it live (realtime_graph)',
      httpPort: GRAPH_BUILDER_HTTP_PORT,
      args: () => ['graph-builder'],
      help: `Usage: streamforge graph-builder [--debug]

Runs one graph-builder job (job target "${GRAPH_BUILDER_TARGET}", docs/analytics.md).

TYPE=gnn_graph: reads the candle collection and the trade collection of COLLECTION_INPUTS, makes a node
per candle window (features from the candle and the window's trades), edges in time (t-1 → t) and by
similarity (the GRAPH_K nearest earlier windows within GRAPH_LOOKBACK), computes the summary (degrees,
components, density, PageRank, Louvain communities) and writes nodes, edges and summary to
COLLECTION_OUTPUT in one transaction; nothing is written unless the whole graph was built.

TYPE=realtime_graph: polls the live collections every GRAPH_POLL_SECONDS, extends the graph as windows
close, stores it and publishes its metrics on GRAPH_METRICS_TOPIC (default <QUEUE_ID>.graph_metrics)
at most every GRAPH_METRICS_SECONDS; runs until stopped.

Environment:
  COLLECTION_INPUTS (required: the candle collection, optionally the trade collection, comma-separated),
  COLLECTION_OUTPUT (default COLLECTION_NAME), GRAPH_K (5), GRAPH_LOOKBACK (288),
  GRAPH_VOLATILITY_WINDOW (12), GRAPH_MIN_WINDOWS (32), GRAPH_SEED (42), GRAPH_READ_CHUNK (2000),
  GRAPH_POLL_SECONDS (5), GRAPH_METRICS_SECONDS (30), GRAPH_METRICS_TOPIC, LOADING_INTERVAL_SECONDS (5),
  DATABASE_URL (else PGlite in STREAMFORGE_DATA_DIR), QUEUE_ID, TELEMETRY_PRODUCER_ID,
  KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH, QUEUE_CONTROL_TOPIC,
  QUEUE_EVENTS_TOPIC, METRICS_PORT (${GRAPH_BUILDER_HTTP_PORT}).

Errors: SF_GRAPH_INPUT_TOO_SMALL, SF_FEATURE_NOT_FINITE, SF_NOT_FOUND (an input that does not exist),
SF_INVALID_CONFIG. Exit code: 0 on finished or stopped, 1 on error.`,
    },
  },
});
