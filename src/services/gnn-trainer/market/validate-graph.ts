import { ErrorCodes, StreamForgeError } from '../../../protocol/index.ts';
import { nodeCount, type GraphData } from '../../graph-builder/graph-data.ts';

/**
 * Checks a graph before anything is trained on or scored from it: consistent array lengths, edges between
 * existing nodes with positive finite weights, strictly increasing windows, and finite features (a NaN
 * would silently poison every weight it touches).
 */
export function validateGraph(graph: GraphData): void {
  const n = nodeCount(graph);
  const width = graph.featureNames.length;
  const invalid = (why: string): StreamForgeError =>
    new StreamForgeError(ErrorCodes.INVALID_GRAPH, `graph ${graph.collection}: ${why}`);
  if (width === 0) throw invalid('no feature columns');
  if (graph.close.length !== n) throw invalid(`${graph.close.length} close prices for ${n} nodes`);
  if (graph.features.length !== n * width) {
    throw invalid(`${graph.features.length} feature values for ${n} nodes × ${width} features`);
  }
  for (let i = 1; i < n; i++) {
    if (!(graph.openTimes[i]! > graph.openTimes[i - 1]!))
      throw invalid(`open times not increasing at node ${i}`);
  }
  for (let i = 0; i < n; i++) {
    const close = graph.close[i]!;
    if (!Number.isFinite(close) || close <= 0) {
      throw new StreamForgeError(
        ErrorCodes.INVALID_FEATURE,
        `graph ${graph.collection}: close price ${close} at node ${i} (window ${windowName(graph, i)})`,
      );
    }
    for (let f = 0; f < width; f++) {
      const value = graph.features[i * width + f]!;
      if (!Number.isFinite(value)) {
        throw new StreamForgeError(
          ErrorCodes.INVALID_FEATURE,
          `graph ${graph.collection}: feature ${graph.featureNames[f]} is ${value} at node ${i} ` +
            `(window ${windowName(graph, i)})`,
        );
      }
    }
  }
  const { source, target, weight, kind } = graph.edges;
  const edges = source.length;
  if (target.length !== edges || weight.length !== edges || kind.length !== edges) {
    throw invalid('edge arrays of different lengths');
  }
  for (let e = 0; e < edges; e++) {
    if (source[e]! >= n || target[e]! >= n) {
      throw invalid(`edge ${e} (${source[e]} → ${target[e]}) names a node beyond the ${n} there are`);
    }
    if (!(weight[e]! > 0) || !Number.isFinite(weight[e]!)) throw invalid(`edge ${e} has weight ${weight[e]}`);
  }
}

function windowName(graph: GraphData, node: number): string {
  const t = graph.openTimes[node];
  return t === undefined || !Number.isFinite(t) ? '?' : new Date(t).toISOString();
}
