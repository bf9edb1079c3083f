export * from './graph-data.ts';
export * from './options.ts';
export { buildGraph, type BuildProgress, type BuildRequest, type BuiltGraph } from './build-graph.ts';
export { FEATURE_NAMES } from './features.ts';
export { GraphAccumulator } from './graph-accumulator.ts';
export { GRAPH_MIGRATIONS, graphTables, readGraph, readGraphSummary, writeGraph } from './graph-store.ts';
export { computeMetrics, PAGERANK, type GraphMetrics, type GraphSummary } from './metrics.ts';
export { resolveInputs, type GraphInputs } from './inputs.ts';
export { createGraphBuilderWork, type GraphBuilderDeps } from './graph-builder-work.ts';
