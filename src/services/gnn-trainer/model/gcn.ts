// A two-layer graph convolutional network (Kipf & Welling, ICLR 2017, eq. 9):
//   Z = softmax(Â · dropout(ReLU(Â · dropout(X) · W1)) · W2)
// with Â the normalised adjacency (adjacency.ts), no biases (as the paper's code), L2 weight decay on W1
// only, and gradients written out by hand. A session owns every buffer of one (weights, graph) pair, so
// an epoch allocates nothing.
import { floatArray, nonZeros, type Csr, type FloatArray, type Precision } from './csr.ts';
import {
  denseTimesDense,
  denseTimesDenseTranspose,
  denseTransposeTimesDense,
  sparseTimesDense,
  sparseTransposeTimesDense,
} from './kernels.ts';
import { fillKeepMask, glorotUniform, type SeededRng } from './rng.ts';

export interface GcnShape {
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
}

export interface GcnWeights {
  readonly shape: GcnShape;
  readonly precision: Precision;
  /** inputs × hidden, row-major. */
  readonly w1: FloatArray;
  /** hidden × classes, row-major. */
  readonly w2: FloatArray;
}

export function initGcnWeights(shape: GcnShape, precision: Precision, rng: SeededRng): GcnWeights {
  const w1 = floatArray(precision, shape.inputs * shape.hidden);
  const w2 = floatArray(precision, shape.hidden * shape.classes);
  glorotUniform(w1, shape.inputs, shape.hidden, rng);
  glorotUniform(w2, shape.hidden, shape.classes, rng);
  return { shape, precision, w1, w2 };
}

/** The graph a session runs on: Â (nodes × nodes), X (nodes × inputs) and a class per node (-1: none). */
export interface GcnGraph {
  readonly adjacency: Csr;
  readonly features: Csr;
  readonly labels: Int32Array;
}

export interface Regularisation {
  /** Probability of dropping an input feature entry or a hidden unit while training (paper: 0.5). */
  readonly dropout: number;
  /** L2 factor on W1: loss += weightDecay · Σ W1² / 2 (TensorFlow's l2_loss; paper: 5e-4). */
  readonly weightDecay: number;
}

export interface Evaluation {
  /** Mean cross-entropy over the nodes, plus the weight-decay term (the paper's code early-stops on this). */
  readonly loss: number;
  readonly accuracy: number;
}

export class GcnSession {
  readonly weights: GcnWeights;
  readonly graph: GcnGraph;
  readonly regularisation: Regularisation;
  /** Gradients of the last lossAndGradients call, shaped as w1 and w2. */
  readonly grad1: FloatArray;
  readonly grad2: FloatArray;

  readonly #nodes: number;
  readonly #droppedFeatures: Csr;
  readonly #xw: FloatArray;
  readonly #z1: FloatArray;
  readonly #h1: FloatArray;
  readonly #h1Scale: FloatArray;
  readonly #hw: FloatArray;
  readonly #logits: FloatArray;
  readonly #dLogits: FloatArray;
  readonly #dHw: FloatArray;
  readonly #dH1: FloatArray;
  readonly #dXw: FloatArray;
  readonly #probs: Float64Array;
  /** Dropout keep flags, sized for the larger of the two layers' draws. */
  readonly #mask: Uint8Array;

  constructor(weights: GcnWeights, graph: GcnGraph, regularisation: Regularisation) {
    const { shape, precision } = weights;
    const n = graph.adjacency.rows;
    if (graph.features.rows !== n || graph.features.cols !== shape.inputs || graph.labels.length !== n) {
      throw new RangeError(
        `GCN graph of ${n} nodes with features ${graph.features.rows}×${graph.features.cols} and ` +
          `${graph.labels.length} labels does not fit a model of ${shape.inputs} inputs`,
      );
    }
    this.weights = weights;
    this.graph = graph;
    this.regularisation = regularisation;
    this.#nodes = n;
    this.#droppedFeatures = { ...graph.features, values: floatArray(precision, nonZeros(graph.features)) };
    const hidden = n * shape.hidden;
    const out = n * shape.classes;
    this.#xw = floatArray(precision, hidden);
    this.#z1 = floatArray(precision, hidden);
    this.#h1 = floatArray(precision, hidden);
    this.#h1Scale = floatArray(precision, hidden);
    this.#hw = floatArray(precision, out);
    this.#logits = floatArray(precision, out);
    this.#dLogits = floatArray(precision, out);
    this.#dHw = floatArray(precision, out);
    this.#dH1 = floatArray(precision, hidden);
    this.#dXw = floatArray(precision, hidden);
    this.#probs = new Float64Array(shape.classes);
    this.#mask = new Uint8Array(Math.max(nonZeros(graph.features), hidden));
    this.grad1 = floatArray(precision, weights.w1.length);
    this.grad2 = floatArray(precision, weights.w2.length);
  }

  /** Logits (nodes × classes). With `rng` the pass trains (dropout on); without, it evaluates. */
  forward(rng?: SeededRng): FloatArray {
    const { hidden, classes } = this.weights.shape;
    const n = this.#nodes;
    const keep = 1 - this.regularisation.dropout;
    const training = rng !== undefined && keep < 1;
    const source = this.graph.features.values;
    const dropped = this.#droppedFeatures.values;
    const mask = this.#mask;
    if (training) {
      const scale = 1 / keep;
      fillKeepMask(mask, source.length, keep, rng);
      for (let p = 0; p < source.length; p++) dropped[p] = mask[p] ? source[p]! * scale : 0;
    } else {
      dropped.set(source);
    }
    sparseTimesDense(this.#droppedFeatures, this.weights.w1, hidden, this.#xw);
    sparseTimesDense(this.graph.adjacency, this.#xw, hidden, this.#z1);
    const z1 = this.#z1;
    const h1 = this.#h1;
    const h1Scale = this.#h1Scale;
    const scale = training ? 1 / keep : 1;
    if (training) fillKeepMask(mask, n * hidden, keep, rng);
    for (let p = 0; p < n * hidden; p++) {
      const kept = !training || mask[p] === 1;
      const s = kept && z1[p]! > 0 ? scale : 0;
      h1Scale[p] = s;
      h1[p] = z1[p]! * s;
    }
    denseTimesDense(h1, n, hidden, this.weights.w2, classes, this.#hw);
    sparseTimesDense(this.graph.adjacency, this.#hw, classes, this.#logits);
    return this.#logits;
  }

  /** A training step's loss over `nodes` (dropout on, drawn from `rng`); fills grad1 and grad2. */
  lossAndGradients(nodes: Uint32Array, rng?: SeededRng): Evaluation {
    const { hidden, classes } = this.weights.shape;
    const n = this.#nodes;
    const logits = this.forward(rng);
    const dLogits = this.#dLogits;
    dLogits.fill(0);
    const result = this.#crossEntropy(logits, nodes, dLogits);

    sparseTransposeTimesDense(this.graph.adjacency, dLogits, classes, this.#dHw);
    denseTransposeTimesDense(this.#h1, n, hidden, this.#dHw, classes, this.grad2);
    denseTimesDenseTranspose(this.#dHw, n, classes, this.weights.w2, hidden, this.#dH1);
    const dH1 = this.#dH1;
    const h1Scale = this.#h1Scale;
    for (let p = 0; p < n * hidden; p++) dH1[p] = dH1[p]! * h1Scale[p]!;
    sparseTransposeTimesDense(this.graph.adjacency, dH1, hidden, this.#dXw);
    sparseTransposeTimesDense(this.#droppedFeatures, this.#dXw, hidden, this.grad1);
    const { w1 } = this.weights;
    const decay = this.regularisation.weightDecay;
    const grad1 = this.grad1;
    for (let p = 0; p < w1.length; p++) grad1[p] = grad1[p]! + decay * w1[p]!;
    return result;
  }

  /** Loss and accuracy over `nodes` with dropout off. */
  evaluate(nodes: Uint32Array): Evaluation {
    return this.#crossEntropy(this.forward(), nodes, undefined);
  }

  /** Class probabilities (softmax of the evaluation logits), nodes × classes. */
  probabilities(): Float64Array {
    const { classes } = this.weights.shape;
    const logits = this.forward();
    const out = new Float64Array(this.#nodes * classes);
    for (let i = 0; i < this.#nodes; i++) softmaxRow(logits, i * classes, classes, out, i * classes);
    return out;
  }

  /** Mean softmax cross-entropy over `nodes` + the W1 decay term; writes dLoss/dLogits when asked. */
  #crossEntropy(logits: FloatArray, nodes: Uint32Array, dLogits: FloatArray | undefined): Evaluation {
    const { classes } = this.weights.shape;
    const labels = this.graph.labels;
    const probs = this.#probs;
    let loss = 0;
    let correct = 0;
    const perNode = 1 / nodes.length;
    for (const i of nodes) {
      const label = labels[i]!;
      const row = i * classes;
      softmaxRow(logits, row, classes, probs, 0);
      loss -= Math.log(Math.max(probs[label]!, 1e-30));
      let best = 0;
      for (let c = 1; c < classes; c++) if (logits[row + c]! > logits[row + best]!) best = c;
      if (best === label) correct++;
      if (dLogits) {
        for (let c = 0; c < classes; c++) dLogits[row + c] = (probs[c]! - (c === label ? 1 : 0)) * perNode;
      }
    }
    let squares = 0;
    for (const w of this.weights.w1) squares += w * w;
    return {
      loss: loss * perNode + (this.regularisation.weightDecay * squares) / 2,
      accuracy: correct * perNode,
    };
  }
}

function softmaxRow(logits: FloatArray, from: number, classes: number, out: Float64Array, to: number): void {
  let max = -Infinity;
  for (let c = 0; c < classes; c++) max = Math.max(max, logits[from + c]!);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += out[to + c] = Math.exp(logits[from + c]! - max);
  for (let c = 0; c < classes; c++) out[to + c] = out[to + c]! / sum;
}
