import { Type } from '@sinclair/typebox';
import { collectionField, typeRule } from '../../protocol/index.ts';
import { defineJob } from '../../launcher/job-definition.ts';
import { readVisualizerOptions } from './options.ts';

/** The seed's name for the job that streams a graph's metrics to the dashboard. */
export const VISUALIZER_TARGET = 'visualizer';
/** visualizer serves /metrics on 8005 unless METRICS_PORT says otherwise. */
export const VISUALIZER_HTTP_PORT = 8005;

/** visualizer (`streamforge visualizer`): follows a stored graph and streams its metrics. */
export const visualizerDefinition = defineJob({
  target: VISUALIZER_TARGET,
  service: VISUALIZER_TARGET,
  summary:
    "streams a graph's metrics (counts, density, components, communities, top PageRank, newest windows) as it grows",
  types: [typeRule('graph_metrics_stream', true, 'graph_metrics_stream')],
  fields: {
    source: Type.Optional(
      collectionField(
        "visualizer: graph it follows; the queue's graph-builder output when the queue has one, else an existing graph",
      ),
    ),
  },
  inputs: [{ field: 'source', kind: 'graph', mustResolve: false }],
  upstream: ['graph-builder'],
  worker: {
    readOptions: readVisualizerOptions,
    work: (options, runtime) => async (ctx) => {
      // Imported when the job runs: the store stays out of `streamforge --help`.
      const { createVisualizerWork } = await import('./graph-metrics-stream.ts');
      // In-process jobs of `streamforge up` share the embedded store (one PGlite owner per directory).
      const shared = runtime.store && !options.databaseUrl ? runtime.store : undefined;
      return createVisualizerWork(options, { sql: shared })(ctx);
    },
    cli: {
      command: 'visualizer',
      summary: "run visualizer: stream a stored graph's metrics as it grows (graph_metrics_stream)",
      httpPort: VISUALIZER_HTTP_PORT,
      args: () => ['visualizer'],
      help: `Usage: streamforge visualizer [--debug]

Runs one visualizer job (job target "${VISUALIZER_TARGET}", TYPE=graph_metrics_stream). Every
VISUALIZER_POLL_SECONDS it reads the graph SOURCE that graph-builder stored (a gnn_graph, or the graph a
realtime_graph stores each time it publishes its metrics) and, when it changed, publishes on KAFKA_TOPIC
one JSON message (key: QUEUE_ID): node and edge counts, density, components, Louvain communities and
modularity, the top PageRank windows and the newest windows with their degree, PageRank and community;
each message is also a \`loading\` event. Waits while SOURCE does not exist yet; runs until stopped.

Storage: PostgreSQL at DATABASE_URL, else PGlite in STREAMFORGE_DATA_DIR.

Environment:
  SOURCE (required), VISUALIZER_POLL_SECONDS (5), VISUALIZER_NEWEST (20), VISUALIZER_TOP (10),
  KAFKA_TOPIC (<QUEUE_ID>.graph_metrics_stream), TYPE, QUEUE_ID, TELEMETRY_PRODUCER_ID,
  KAFKA_BOOTSTRAP_SERVERS, KAFKA_USER, KAFKA_PASSWORD, KAFKA_CA_PATH, QUEUE_CONTROL_TOPIC,
  QUEUE_EVENTS_TOPIC, METRICS_PORT (${VISUALIZER_HTTP_PORT}).

Exit code: 0 when stopped, 1 on error.`,
    },
  },
});
