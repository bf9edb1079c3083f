// Market graphs built in memory for the gnn-trainer tests, shaped as graph-builder hands them over:
// a node per 5m window, a time edge t-1 → t and similarity edges to a few earlier windows.
import { EDGE_KIND, type GraphData } from '../../../src/services/graph-builder/graph-data.ts';
import { SeededRng } from '../../../src/services/gnn-trainer/model/rng.ts';

export interface MarketGraphOptions {
  readonly nodes: number;
  readonly seed?: number;
  /**
   * 'random-walk': returns are noise; each node carries its own window's log return (as graph-builder's
   * features do), so the next window's direction is unpredictable unless it leaks from node t+1.
   * 'regimes': the price drifts up, down or sideways for stretches of 30–80 windows; the next window is
   *   mostly in the same regime, a pattern an honest model can learn from the past.
   */
  readonly kind: 'random-walk' | 'regimes';
  /** Similarity edges besides the time edges (default true). */
  readonly similarity?: boolean;
  readonly collection?: string;
}

function gaussian(rng: SeededRng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

export function marketGraph(options: MarketGraphOptions): GraphData {
  const rng = new SeededRng(options.seed ?? 11);
  const n = options.nodes;
  const returns = new Float64Array(n);
  let drift = 0;
  let regimeLeft = 0;
  for (let t = 0; t < n; t++) {
    if (options.kind === 'regimes' && regimeLeft-- <= 0) {
      drift = [-0.003, 0, 0.003][Math.floor(rng.next() * 3)]!;
      regimeLeft = 30 + Math.floor(rng.next() * 50);
    }
    returns[t] = drift + (options.kind === 'regimes' ? 0.0007 : 0.002) * gaussian(rng);
  }
  const close = new Float64Array(n);
  let price = 60000;
  for (let t = 0; t < n; t++) close[t] = price *= Math.exp(returns[t]!);
  const featureNames = ['log_return', 'range', 'volume'];
  const width = featureNames.length;
  const features = new Float64Array(n * width);
  for (let t = 0; t < n; t++) {
    features[t * width] = returns[t]!;
    features[t * width + 1] = Math.abs(returns[t]!) + 0.001 * rng.next();
    features[t * width + 2] = 100 + 20 * rng.next();
  }
  const source: number[] = [];
  const target: number[] = [];
  const weight: number[] = [];
  const kind: number[] = [];
  for (let t = 1; t < n; t++) {
    source.push(t - 1);
    target.push(t);
    weight.push(1);
    kind.push(EDGE_KIND.time);
    for (let k = 0; k < 3 && t > 2 && options.similarity !== false; k++) {
      source.push(t);
      target.push(Math.max(0, t - 2 - Math.floor(rng.next() * 20)));
      weight.push(0.3 + 0.7 * rng.next());
      kind.push(EDGE_KIND.similarity);
    }
  }
  return {
    collection: options.collection ?? `btcusdt_gnn_graph_${options.kind}`,
    symbol: 'BTCUSDT',
    interval: '5m',
    openTimes: Float64Array.from({ length: n }, (_, t) => Date.UTC(2024, 5, 1) + t * 300_000),
    close,
    featureNames,
    features,
    edges: {
      source: Uint32Array.from(source),
      target: Uint32Array.from(target),
      weight: Float32Array.from(weight),
      kind: Uint8Array.from(kind),
    },
  };
}
