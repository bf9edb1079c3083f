// realtime_gnn_infer's scoring: a saved model applied to (the newest nodes of) a graph. Propagation is
// causal, so a node's score depends only on its window and the windows before it: scoring the newest
// node of a growing graph gives the same answer it will have once more windows arrive.
import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import { nodeCount, type GraphData } from '../../graph-builder/graph-data.ts';
import { GcnSession } from '../model/gcn.ts';
import { modelGraph } from './train-market.ts';
import type { SavedGcnModel } from './saved-model.ts';
import { validateGraph } from './validate-graph.ts';

export interface NodePrediction {
  readonly node: number;
  /** Open time of the window (ms since the epoch). */
  readonly openTime: number;
  /** The predicted direction of the window after this one. */
  readonly direction: string;
  /** Probability of each class, in the model's class order (down, flat, up). */
  readonly probabilities: number[];
}

/** Scores `nodes` (default: the newest node) of `graph` with `model`. */
export function scoreNodes(
  model: SavedGcnModel,
  graph: GraphData,
  nodes?: readonly number[],
): NodePrediction[] {
  assertModelFits(model, graph);
  validateGraph(graph);
  const n = nodeCount(graph);
  const wanted = nodes ?? [n - 1];
  for (const node of wanted) {
    if (!Number.isInteger(node) || node < 0 || node >= n) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_REQUEST,
        `node ${node} is not in graph ${graph.collection} (${n} nodes)`,
      );
    }
  }
  const { shape } = model;
  const session = new GcnSession(
    {
      shape,
      precision: 'float32',
      w1: Float32Array.from(model.weights.w1),
      w2: Float32Array.from(model.weights.w2),
    },
    modelGraph(graph, model.normalisation, new Int32Array(n).fill(-1)),
    { dropout: 0, weightDecay: 0 },
  );
  const probabilities = session.probabilities();
  return wanted.map((node) => {
    const p = Array.from(probabilities.subarray(node * shape.classes, (node + 1) * shape.classes));
    return {
      node,
      openTime: graph.openTimes[node]!,
      direction: model.classes[p.indexOf(Math.max(...p))]!,
      probabilities: p,
    };
  });
}

/** A model scores only graphs with its exact feature columns, symbol and interval. */
export function assertModelFits(model: SavedGcnModel, graph: GraphData): void {
  const mismatch = (why: string): StreamForgeError =>
    new StreamForgeError(
      ErrorCodes.MODEL_MISMATCH,
      `the model trained on ${model.graphCollection} cannot score graph ${graph.collection}: ${why}`,
    );
  if (model.symbol !== graph.symbol) throw mismatch(`symbol ${graph.symbol}, the model's is ${model.symbol}`);
  if (model.interval !== graph.interval)
    throw mismatch(`interval ${graph.interval}, the model's is ${model.interval}`);
  const theirs = graph.featureNames.join(', ');
  const ours = model.featureNames.join(', ');
  if (theirs !== ours) throw mismatch(`features [${theirs}], the model's are [${ours}]`);
  if (
    model.weights.w1.length !== model.shape.inputs * model.shape.hidden ||
    model.shape.inputs !== model.featureNames.length
  ) {
    throw mismatch('its weights do not match its own feature list');
  }
}
