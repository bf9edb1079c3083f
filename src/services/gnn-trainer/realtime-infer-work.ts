// The realtime_gnn_infer job's work: every inference interval, read the graph as it has grown, score the
// windows no prediction covers yet with the newest model saved for that graph, write the predictions to
// their collection and topic, and report the newest one in a `loading` event. Until a model exists it
// waits (and says so). Runs until stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { isStreamForgeError, ErrorCodes } from '../../protocol/index.ts';
import type { JobProgress } from '../../runtime/index.ts';
import type { SqlClient } from '../../store/index.ts';
import { nodeCount, type GraphData } from '../graph-builder/graph-data.ts';
import { findLatestModel, loadLatestModel } from './market/model-store.ts';
import { writePredictions, type PredictionRecord } from './market/prediction-store.ts';
import { scoreNodes } from './market/score-nodes.ts';

export interface RealtimeInferOptions {
  readonly graphCollection: string;
  /**
   * Where gnn_train saved the models of this graph; unset (the seed's realtime_gnn_infer names none): the
   * newest model of this graph, else of the same symbol, interval and features (findLatestModel).
   */
  readonly modelOutput: string | undefined;
  /** The collection predictions are upserted into. */
  readonly predictionsCollection: string;
  /** inference_interval. */
  readonly intervalMs: number;
  /** Most windows scored per tick, newest first (the first tick after a long pause could be large). */
  readonly maxNodesPerTick: number;
}

export interface RealtimeInferDeps {
  readonly sql: SqlClient;
  readonly loadGraph: (collection: string) => Promise<GraphData>;
  /** Publishes predictions on the queue's predictions topic. */
  readonly publish: (predictions: readonly PredictionRecord[]) => Promise<void>;
  readonly report: (progress: JobProgress) => Promise<void>;
  readonly signal: AbortSignal;
}

export async function runRealtimeInfer(
  deps: RealtimeInferDeps,
  options: RealtimeInferOptions,
): Promise<JobProgress> {
  let scoredUpTo = -Infinity; // open time of the newest window scored
  let written = 0;
  while (!deps.signal.aborted) {
    const fresh = await tick(deps, options, scoredUpTo);
    if (fresh) {
      scoredUpTo = fresh.newest;
      written += fresh.predictions.length;
      const last = fresh.predictions.at(-1)!;
      await deps.report({
        records_written: written,
        message: `scored ${fresh.predictions.length} window(s); newest ${last.open_time}: next window ${last.direction}`,
        prediction: last, // the newest only: an event stays small however many windows a tick scored
      } as JobProgress);
    }
    await sleep(options.intervalMs, undefined, { signal: deps.signal }).catch(() => undefined);
  }
  return { records_written: written, message: `stopped after ${written} prediction(s)` };
}

async function tick(
  deps: RealtimeInferDeps,
  options: RealtimeInferOptions,
  scoredUpTo: number,
): Promise<{ predictions: PredictionRecord[]; newest: number } | undefined> {
  let graph: GraphData;
  try {
    graph = await deps.loadGraph(options.graphCollection);
  } catch (error) {
    // Started with its queue's realtime_graph, it runs before the first graph is stored: wait for it.
    if (isStreamForgeError(error) && error.code === ErrorCodes.NOT_FOUND) {
      await deps.report({ message: `waiting for the graph ${options.graphCollection}` });
      return undefined;
    }
    throw error;
  }
  const n = nodeCount(graph);
  const nodes: number[] = [];
  for (let i = n - 1; i >= 0 && nodes.length < options.maxNodesPerTick; i--) {
    if (graph.openTimes[i]! <= scoredUpTo) break;
    nodes.unshift(i);
  }
  if (nodes.length === 0) return undefined;
  let model;
  try {
    model =
      options.modelOutput === undefined
        ? await findLatestModel(deps.sql, { ...graph, graphCollection: graph.collection })
        : await loadLatestModel(deps.sql, options.modelOutput, options.graphCollection);
  } catch (error) {
    if (isStreamForgeError(error) && error.code === ErrorCodes.NOT_FOUND) {
      await deps.report({
        message: `waiting for a model of ${options.graphCollection} in ${options.modelOutput}`,
      });
      return undefined;
    }
    throw error;
  }
  const scoredAt = new Date().toISOString();
  const predictions = scoreNodes(model, graph, nodes).map((p): PredictionRecord => ({
    graph_collection: graph.collection,
    symbol: graph.symbol,
    interval: graph.interval,
    open_time: new Date(p.openTime).toISOString(),
    direction: p.direction,
    p_down: p.probabilities[0]!,
    p_flat: p.probabilities[1]!,
    p_up: p.probabilities[2]!,
    model_trained_at: model.trainedAt,
    scored_at: scoredAt,
  }));
  await writePredictions(deps.sql, options.predictionsCollection, predictions);
  await deps.publish(predictions);
  return { predictions, newest: graph.openTimes[nodes.at(-1)!]! };
}
