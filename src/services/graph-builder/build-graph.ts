import type { SqlExecutor } from '../../store/index.ts';
import { GraphAccumulator } from './graph-accumulator.ts';
import type { GraphData } from './graph-data.ts';
import { resolveInputs, tooSmall, type GraphInputs } from './inputs.ts';
import { computeMetrics, type GraphMetrics } from './metrics.ts';
import type { GraphShape } from './options.ts';
import { readWindows } from './window-reader.ts';

export interface BuildProgress {
  phase: 'reading' | 'metrics';
  windowsRead: number;
  edgesBuilt: number;
}

export interface BuildRequest {
  /** collection_inputs: one candle collection, at most one trade collection. */
  readonly inputs: readonly string[];
  /** collection_output: the name the graph will be stored under (GraphData.collection). */
  readonly output: string;
  readonly shape: GraphShape;
  /** Windows per query; default 2000. */
  readonly readChunk?: number;
  /** Called after every chunk of windows and before the metrics. */
  readonly onProgress?: (progress: BuildProgress) => void | Promise<void>;
  /** Stops between chunks (the job was told to stop). */
  readonly signal?: AbortSignal;
}

export interface BuiltGraph {
  readonly inputs: GraphInputs;
  readonly graph: GraphData;
  readonly metrics: GraphMetrics;
}

/**
 * Reads the input collections a chunk of windows at a time, computes each window's features and
 * edges as it arrives (memory: the graph plus one chunk), then the metrics. Writes nothing: storing is
 * writeGraph's, so a failure here leaves the store as it was.
 */
export async function buildGraph(sql: SqlExecutor, request: BuildRequest): Promise<BuiltGraph> {
  const inputs = await resolveInputs(sql, request.inputs);
  const accumulator = new GraphAccumulator(request.shape, inputs.candles);
  for await (const windows of readWindows(sql, inputs, { chunk: request.readChunk ?? 2000 })) {
    request.signal?.throwIfAborted();
    for (const window of windows) accumulator.add(window);
    await request.onProgress?.({
      phase: 'reading',
      windowsRead: accumulator.nodeCount,
      edgesBuilt: accumulator.edgeCount,
    });
  }
  if (accumulator.nodeCount < request.shape.minWindows) {
    throw tooSmall(inputs.candles, accumulator.nodeCount, request.shape.minWindows);
  }
  await request.onProgress?.({
    phase: 'metrics',
    windowsRead: accumulator.nodeCount,
    edgesBuilt: accumulator.edgeCount,
  });
  const graph = accumulator.snapshot({ collection: request.output, ...inputs });
  return { inputs, graph, metrics: computeMetrics(graph, request.shape.seed) };
}
