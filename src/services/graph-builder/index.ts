import { ErrorCodes, StreamForgeError } from '../../protocol/index.ts';
import { runJobService, type JobHostOptions, type JobOutcome, type JobWork } from '../../runtime/index.ts';
import type { SqlClient } from '../../store/index.ts';
import { createGraphBuilderWork } from './graph-builder-work.ts';
import type { GraphBuilderOptions } from './options.ts';
import { createRealtimeGraphWork } from './realtime-graph.ts';

export * from './graph-data.ts';
export * from './options.ts';
export { buildGraph, type BuildProgress, type BuildRequest, type BuiltGraph } from './build-graph.ts';
export { FEATURE_NAMES } from './features.ts';
export { GraphAccumulator } from './graph-accumulator.ts';
export { GRAPH_MIGRATIONS, graphTables, readGraph, readGraphSummary, writeGraph } from './graph-store.ts';
export { computeMetrics, PAGERANK, type GraphMetrics, type GraphSummary } from './metrics.ts';
export { resolveInputs, type GraphInputs } from './inputs.ts';
export { createGraphBuilderWork, type GraphBuilderDeps } from './graph-builder-work.ts';
export { RealtimeGraph, createRealtimeGraphWork, type RealtimeGraphDeps } from './realtime-graph.ts';

/** The seed's name for the job that builds the market graph. */
export const GRAPH_BUILDER_TARGET = 'graph-builder';
export const GRAPH_BUILDER_HTTP_PORT = 8003;

export interface GraphBuilderServiceOptions extends JobHostOptions {
  options: GraphBuilderOptions;
  /** A store to share (embedded mode); default: opened from the options and closed at the end. */
  sql?: SqlClient;
}

/** The work of a graph-builder job of `type`: gnn_graph (batch, the default) or realtime_graph. */
export function graphBuilderWork(
  type: string | undefined,
  options: GraphBuilderOptions,
  sql?: SqlClient,
): JobWork {
  if (type === 'realtime_graph') return createRealtimeGraphWork(options, { sql });
  if (type === undefined || type === 'gnn_graph') return createGraphBuilderWork(options, { sql });
  throw new StreamForgeError(
    ErrorCodes.INVALID_CONFIG,
    `TYPE=${type} is not a graph-builder type: gnn_graph or realtime_graph`,
  );
}

/** Runs one graph-builder job to its end: finished, error or interrupted. */
export function runGraphBuilderService({
  options,
  sql,
  ...host
}: GraphBuilderServiceOptions): Promise<JobOutcome> {
  return runJobService({
    ...host,
    service: GRAPH_BUILDER_TARGET,
    work: graphBuilderWork(host.config.type, options, sql),
  });
}
