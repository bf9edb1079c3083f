// What the market model predicts: the direction of the next window. Node t (window t) gets the label of
// r(t+1) = ln(close[t+1] / close[t]), the return of the window after it; the last node has none.
//   up   when r >  threshold
//   down when r < -threshold
//   flat otherwise (the dead band)
// threshold = the `flatQuantile` quantile of |r| over the training nodes only (default 1/3: about a third
// of the training labels are flat, so the three classes start near balance), so nothing about the
// validation or test returns leaks into the labels.

export const DIRECTION_CLASSES = Object.freeze(['down', 'flat', 'up'] as const);
export type Direction = (typeof DIRECTION_CLASSES)[number];
export const DOWN = 0;
export const FLAT = 1;
export const UP = 2;

/** r(t+1) for every node t that has a next window; length nodes - 1. */
export function nextReturns(close: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, close.length - 1));
  for (let t = 0; t < out.length; t++) out[t] = Math.log(close[t + 1]! / close[t]!);
  return out;
}

/** The dead band's half-width: the `quantile` of |r| over `trainNodes` (linear interpolation). */
export function deadBand(returns: Float64Array, trainNodes: Uint32Array, quantile: number): number {
  const magnitudes = Float64Array.from(trainNodes, (t) => Math.abs(returns[t]!)).sort();
  if (magnitudes.length === 0) return 0;
  const at = quantile * (magnitudes.length - 1);
  const low = Math.floor(at);
  const high = Math.min(low + 1, magnitudes.length - 1);
  return magnitudes[low]! + (magnitudes[high]! - magnitudes[low]!) * (at - low);
}

/** A class per node (-1 for the last node, which has no next window). */
export function directionLabels(returns: Float64Array, nodes: number, threshold: number): Int32Array {
  const labels = new Int32Array(nodes).fill(-1);
  for (let t = 0; t < returns.length; t++) {
    const r = returns[t]!;
    labels[t] = r > threshold ? UP : r < -threshold ? DOWN : FLAT;
  }
  return labels;
}
