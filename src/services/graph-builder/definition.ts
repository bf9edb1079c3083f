import { Type } from '@sinclair/typebox';
import { collectionField, collectionListField, typeRule } from '../../protocol/index.ts';
import { defineJob } from '../../launcher/job-definition.ts';
import { readGraphBuilderOptions } from './options.ts';

/** The seed's name for the job that builds the market graph. */
export const GRAPH_BUILDER_TARGET = 'graph-builder';
/** graph-builder serves /metrics on 8003 unless METRICS_PORT says otherwise. */
export const GRAPH_BUILDER_HTTP_PORT = 8003;

/** graph-builder (`streamforge graph-builder`): a graph of candle windows from candles and trades. */
export const graphBuilderDefinition = defineJob({
  target: GRAPH_BUILDER_TARGET,
  service: GRAPH_BUILDER_TARGET,
  summary:
    'builds a graph of candle windows (features, time and similarity edges, metrics) from candles and trades',
  types: [typeRule('gnn_graph', false, 'gnn_graph'), typeRule('realtime_graph', true, 'realtime_graph')],
  fields: {
    collection_inputs: Type.Optional(
      collectionListField(
        'graph-builder: datasets it reads, named by kind (`btc_candles_5m_2024_06`, `btc_trades_2024_06`); each resolves to the connector of the queue that writes that kind',
      ),
    ),
    collection_output: Type.Optional(collectionField('graph-builder: collection it writes (the graph)')),
  },
  inputs: [{ field: 'collection_inputs', kind: 'market-data', mustResolve: true }],
  output: { field: 'collection_output', kind: 'graph' },
  upstream: ['arango-connector'],
  worker: {
    readOptions: readGraphBuilderOptions,
    work: (options, runtime) => async (ctx) => {
      // Imported when the job runs: graphology and the store stay out of `streamforge --help`.
      const { graphBuilderWork } = await import('./job-work.ts');
      // In-process jobs of `streamforge up` share the embedded store (one PGlite owner per directory).
      const shared = runtime.store && !options.databaseUrl ? runtime.store : undefined;
      return graphBuilderWork(ctx.config.type, options, shared)(ctx);
    },
    cli: {
      command: 'graph-builder',
      summary:
        'run graph-builder: a graph of candle windows from candle and trade collections (gnn_graph, realtime_graph)',
      httpPort: GRAPH_BUILDER_HTTP_PORT,
      args: () => ['graph-builder'],
      help: `Usage: streamforge graph-builder [--debug]

Runs one graph-builder job (job target "${GRAPH_BUILDER_TARGET}"). TYPE=gnn_graph reads the candle collection
(and the trade collection) of COLLECTION_INPUTS a chunk at a time, computes each window's features
(log return, range, volume, trade count, buy/sell imbalance, VWAP deviation, rolling volatility),
links windows in time and to their k nearest earlier windows, computes the metrics (degree, components,
density, PageRank, Louvain), stores the graph as COLLECTION_OUTPUT in one transaction and finishes.
TYPE=realtime_graph follows the collections as windows close and publishes graph_metrics on
GRAPH_METRICS_TOPIC until stopped. Formulas and defaults: docs/analytics.md.

Storage: PostgreSQL at DATABASE_URL, else PGlite in STREAMFORGE_DATA_DIR.

Environment:
  COLLECTION_INPUTS (one candle and at most one trade collection, comma-separated),
  COLLECTION_OUTPUT (else COLLECTION_NAME), GRAPH_K (5), GRAPH_LOOKBACK (288), GRAPH_VOLATILITY_WINDOW (12),
  GRAPH_MIN_WINDOWS (32), GRAPH_SEED (42), GRAPH_READ_CHUNK (2000), LOADING_INTERVAL_SECONDS (5),
  GRAPH_POLL_SECONDS (5), GRAPH_METRICS_SECONDS (30), GRAPH_METRICS_TOPIC (<QUEUE_ID>.graph_metrics),
  TYPE, QUEUE_ID, TELEMETRY_PRODUCER_ID, KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD,
  KAFKA_CA_PATH, QUEUE_CONTROL_TOPIC, QUEUE_EVENTS_TOPIC, METRICS_PORT (${GRAPH_BUILDER_HTTP_PORT}).

Exit code: 0 on finished or stopped, 1 on error.`,
    },
  },
});
