// The yardsticks a market GCN is reported next to, on the same split and labels: always predicting the
// training set's most common class, and multinomial logistic regression on the same normalised features
// of each window alone (no graph). A GCN that does not beat them has learned nothing from the graph.
import { Adam, ADAM_DEFAULTS } from '../model/adam.ts';

export interface BaselineScores {
  readonly majority: { readonly class: number; readonly testAccuracy: number };
  readonly logisticRegression: {
    readonly testAccuracy: number;
    readonly validationAccuracy: number;
    readonly epochs: number;
  };
}

export function majorityClass(labels: Int32Array, nodes: Uint32Array, classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (const i of nodes) counts[labels[i]!]!++;
  return counts.indexOf(Math.max(...counts));
}

export function accuracyOf(
  predicted: (node: number) => number,
  labels: Int32Array,
  nodes: Uint32Array,
): number {
  let correct = 0;
  for (const i of nodes) if (predicted(i) === labels[i]) correct++;
  return nodes.length === 0 ? NaN : correct / nodes.length;
}

/**
 * Softmax regression with a bias, L2 1e-4, full-batch Adam (lr 0.01) for up to 500 epochs, keeping the
 * weights of the epoch with the lowest validation loss (stopping 50 epochs after it).
 */
export function logisticRegression(
  x: Float64Array,
  width: number,
  labels: Int32Array,
  classes: number,
  split: { train: Uint32Array; validation: Uint32Array; test: Uint32Array },
): BaselineScores['logisticRegression'] {
  const cols = width + 1; // last row of W is the bias
  const w = new Float64Array(cols * classes);
  const grad = new Float64Array(w.length);
  const adam = new Adam([w], 'float64', { ...ADAM_DEFAULTS, learningRate: 0.01 });
  const l2 = 1e-4;
  const logits = new Float64Array(classes);
  const scores = (i: number): Float64Array => {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) {
      let z = w[width * classes + c]!;
      for (let f = 0; f < width; f++) z += x[i * width + f]! * w[f * classes + c]!;
      logits[c] = z;
      max = Math.max(max, z);
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += logits[c] = Math.exp(logits[c]! - max);
    for (let c = 0; c < classes; c++) logits[c] = logits[c]! / sum;
    return logits;
  };
  const lossOf = (nodes: Uint32Array): number => {
    let loss = 0;
    for (const i of nodes) loss -= Math.log(Math.max(scores(i)[labels[i]!]!, 1e-30));
    return loss / nodes.length;
  };
  const predict = (i: number): number => {
    const p = scores(i);
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[c]! > p[best]!) best = c;
    return best;
  };
  let best = { loss: Infinity, w: w.slice(), epoch: 0 };
  let epoch = 0;
  for (; epoch < 500 && epoch - best.epoch < 50; epoch++) {
    grad.fill(0);
    for (const i of split.train) {
      const p = scores(i);
      for (let c = 0; c < classes; c++) {
        const d = (p[c]! - (c === labels[i] ? 1 : 0)) / split.train.length;
        for (let f = 0; f < width; f++) grad[f * classes + c]! += d * x[i * width + f]!;
        grad[width * classes + c]! += d;
      }
    }
    for (let p = 0; p < width * classes; p++) grad[p]! += l2 * w[p]!;
    adam.step([grad]);
    const loss = lossOf(split.validation);
    if (loss < best.loss) best = { loss, w: w.slice(), epoch };
  }
  w.set(best.w);
  return {
    testAccuracy: accuracyOf(predict, labels, split.test),
    validationAccuracy: accuracyOf(predict, labels, split.validation),
    epochs: epoch,
  };
}
