import { Type, type Static } from '@sinclair/typebox';
import { createJsonParser } from './json.ts';
import { dataTopic } from './naming.ts';

const Count = Type.Integer({ minimum: 0 });

/** A market graph's summary, as graph-builder stores it (streamforge_graphs.summary) and publishes it. */
export const GraphSummarySchema = Type.Object(
  {
    nodes: Count,
    edges: Count,
    time_edges: Count,
    similarity_edges: Count,
    density: Type.Number({ description: 'undirected: 2E / (N (N − 1))' }),
    first_open_time: Type.Union([Type.Number(), Type.Null()], { description: 'ms since the epoch' }),
    last_open_time: Type.Union([Type.Number(), Type.Null()]),
    components: Type.Object({ count: Count, largest: Count }),
    degree: Type.Object({
      min: Count,
      max: Count,
      mean: Type.Number(),
      histogram: Type.Array(Type.Tuple([Count, Count]), { description: '[degree, nodes] by degree' }),
    }),
    pagerank: Type.Object({
      alpha: Type.Number(),
      tolerance: Type.Number(),
      min: Type.Number(),
      max: Type.Number(),
      top: Type.Array(Type.Object({ node: Count, open_time: Type.Number(), score: Type.Number() })),
    }),
    louvain: Type.Object({
      seed: Count,
      communities: Count,
      modularity: Type.Number(),
      largest: Type.Array(Count, { description: 'sizes of the largest communities, largest first' }),
    }),
  },
  { additionalProperties: true },
);
export type GraphSummary = Static<typeof GraphSummarySchema>;

/**
 * What realtime_graph publishes on its metrics topic (key: queue_id) each time the graph grew and
 * GRAPH_METRICS_SECONDS passed: the whole graph's summary and the newest node. Readers (the visualizer)
 * ignore unknown fields.
 */
export const GraphMetricsMessageSchema = Type.Object(
  {
    kind: Type.Literal('graph_metrics'),
    queue_id: Type.String({ minLength: 1 }),
    telemetry_id: Type.String({ minLength: 1 }),
    collection: Type.String({ minLength: 1, description: 'the graph (collection_output)' }),
    symbol: Type.String(),
    interval: Type.String(),
    sent_at: Type.Number({ description: 'Unix seconds (float)' }),
    summary: GraphSummarySchema,
    latest: Type.Object({
      node: Count,
      open_time: Type.Number({ description: 'ms since the epoch' }),
      close: Type.Number(),
      features: Type.Record(Type.String(), Type.Number()),
      degree: Count,
      pagerank: Type.Number(),
      community: Count,
    }),
  },
  { additionalProperties: true },
);
export type GraphMetricsMessage = Static<typeof GraphMetricsMessageSchema>;

export const parseGraphMetricsMessage = createJsonParser(GraphMetricsMessageSchema, 'graph metrics');

/** The default metrics topic of a queue's realtime_graph job: `{queue_id}.graph_metrics`. */
export function graphMetricsTopic(queueId: string): string {
  return dataTopic(queueId, 'graph_metrics');
}

const Window = Type.Object({
  node: Count,
  open_time: Type.Number({ description: 'ms since the epoch' }),
  close: Type.Number(),
  degree: Count,
  pagerank: Type.Number(),
  community: Count,
});

/**
 * What the visualizer (graph_metrics_stream) publishes on its topic (key: queue_id) each time the graph
 * it follows changed: a compact view of the graph for the dashboard. Readers ignore unknown fields.
 */
export const VisualizerMetricsMessageSchema = Type.Object(
  {
    kind: Type.Literal('graph_metrics_stream'),
    queue_id: Type.String({ minLength: 1 }),
    telemetry_id: Type.String({ minLength: 1 }),
    source: Type.String({ minLength: 1, description: 'the graph followed (the request field `source`)' }),
    symbol: Type.String(),
    interval: Type.String(),
    sent_at: Type.Number({ description: 'Unix seconds (float)' }),
    nodes: Count,
    edges: Count,
    density: Type.Number(),
    components: Type.Object({ count: Count, largest: Count }),
    communities: Type.Object({ count: Count, modularity: Type.Number(), largest: Type.Array(Count) }),
    first_open_time: Type.Union([Type.Number(), Type.Null()]),
    last_open_time: Type.Union([Type.Number(), Type.Null()]),
    pagerank_top: Type.Array(Type.Object({ node: Count, open_time: Type.Number(), score: Type.Number() })),
    newest: Type.Array(Window, { description: 'the newest windows, newest last' }),
  },
  { additionalProperties: true },
);
export type VisualizerMetricsMessage = Static<typeof VisualizerMetricsMessageSchema>;

export const parseVisualizerMetricsMessage = createJsonParser(
  VisualizerMetricsMessageSchema,
  'visualizer metrics',
);

/** The default topic of a queue's visualizer: `{queue_id}.graph_metrics_stream`. */
export function visualizerMetricsTopic(queueId: string): string {
  return dataTopic(queueId, 'graph_metrics_stream');
}
