/**
 * The market graph as graph-builder hands it to its readers (gnn-trainer, the visualizer): one node per
 * candle window in time order, a dense row-major feature matrix and a weighted edge list. This is the
 * contract between the two jobs; how it is stored is graph-store.ts's business.
 */
export interface GraphData {
  /** The collection the graph was read from (the graph-builder's `collection_output`). */
  readonly collection: string;
  readonly symbol: string;
  /** Candle interval of the windows, e.g. "5m". */
  readonly interval: string;
  /** Node i is the window opening at openTimes[i] (ms since the epoch); strictly increasing. */
  readonly openTimes: Float64Array;
  /** Close price of each window: a trainer labels the next window's direction from it. */
  readonly close: Float64Array;
  /** Names of the feature columns, in order (documented in docs/analytics.md). */
  readonly featureNames: readonly string[];
  /** Row-major nodeCount × featureNames.length, raw (not normalised): normalising is the model's job. */
  readonly features: Float64Array;
  /** Edges as stored (directed: source → target); a GCN symmetrises them. */
  readonly edges: GraphEdges;
}

export const EDGE_KIND = Object.freeze({ time: 0, similarity: 1 });

export interface GraphEdges {
  readonly source: Uint32Array;
  readonly target: Uint32Array;
  readonly weight: Float32Array;
  /** EDGE_KIND per edge: time (t-1 → t) or similarity (k nearest windows in a trailing lookback). */
  readonly kind: Uint8Array;
}

export function nodeCount(graph: GraphData): number {
  return graph.openTimes.length;
}
