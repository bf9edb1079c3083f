// realtime_gnn_infer's scoring step: the newest model saved for the graph's collection, applied to the
// given nodes (default: the newest). The job around it decides the cadence (inference_interval) and
// where predictions go.
import type { SqlExecutor } from '../../../store/index.ts';
import type { GraphData } from '../../graph-builder/graph-data.ts';
import { loadLatestModel } from './model-store.ts';
import { scoreNodes, type NodePrediction } from './score-nodes.ts';

export interface Inference {
  /** Which model scored: when it was trained and on which windows. */
  readonly model: { readonly trainedAt: string; readonly dataTo: string; readonly testAccuracy: number };
  readonly predictions: NodePrediction[];
}

export async function inferLatest(
  sql: SqlExecutor,
  modelOutput: string,
  graph: GraphData,
  nodes?: readonly number[],
): Promise<Inference> {
  const model = await loadLatestModel(sql, modelOutput, graph.collection);
  return {
    model: {
      trainedAt: model.trainedAt,
      dataTo: model.dataRange.to,
      testAccuracy: model.metrics.test.accuracy,
    },
    predictions: scoreNodes(model, graph, nodes),
  };
}
