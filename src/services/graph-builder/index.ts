import { runJobService, type JobHostOptions, type JobOutcome } from '../../runtime/index.ts';
import type { SqlClient } from '../../store/index.ts';
import { GRAPH_BUILDER_TARGET } from './definition.ts';
import { graphBuilderWork } from './job-work.ts';
import type { GraphBuilderOptions } from './options.ts';

export * from './graph-data.ts';
export * from './options.ts';
export { buildGraph, type BuildProgress, type BuildRequest, type BuiltGraph } from './build-graph.ts';
export { FEATURE_NAMES } from './features.ts';
export { GraphAccumulator } from './graph-accumulator.ts';
export { GRAPH_MIGRATIONS, graphTables, readGraph, readGraphSummary, writeGraph } from './graph-store.ts';
export { computeMetrics, PAGERANK, type GraphMetrics, type GraphSummary } from './metrics.ts';
export { resolveInputs, type GraphInputs } from './inputs.ts';
export { createGraphBuilderWork, type GraphBuilderDeps } from './graph-builder-work.ts';
export { graphBuilderWork } from './job-work.ts';
export { GRAPH_BUILDER_HTTP_PORT, GRAPH_BUILDER_TARGET, graphBuilderDefinition } from './definition.ts';
export { RealtimeGraph, createRealtimeGraphWork, type RealtimeGraphDeps } from './realtime-graph.ts';

export interface GraphBuilderServiceOptions extends JobHostOptions {
  options: GraphBuilderOptions;
  /** A store to share (embedded mode); default: opened from the options and closed at the end. */
  sql?: SqlClient;
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
