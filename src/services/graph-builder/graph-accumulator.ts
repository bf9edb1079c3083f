import { EDGE_KIND, type GraphData } from './graph-data.ts';
import { FEATURE_COUNT, FEATURE_NAMES, FeatureComputer } from './features.ts';
import type { GraphShape } from './options.ts';
import type { WindowRow } from './window-reader.ts';

/**
 * The smallest similarity weight: a far neighbour's kernel underflows Float32 to 0, and a weight of 0
 * is no edge to a GCN (gnn-trainer refuses non-positive weights).
 */
export const MIN_WEIGHT = 1e-6;

/** A typed array that doubles when full, so a graph grows without knowing its size in advance. */
class Growable<T extends Float64Array | Float32Array | Uint32Array | Uint8Array> {
  #data: T;
  readonly make: (n: number) => T;
  length = 0;
  constructor(make: (n: number) => T) {
    this.make = make;
    this.#data = make(1024);
  }
  reserve(extra: number): T {
    if (this.length + extra > this.#data.length) {
      const next = this.make(Math.max(this.#data.length * 2, this.length + extra));
      next.set(this.#data.subarray(0, this.length));
      this.#data = next;
    }
    return this.#data;
  }
  push(value: number): void {
    this.reserve(1)[this.length++] = value;
  }
  get data(): T {
    return this.#data;
  }
  /** A copy of the filled part. */
  toArray(): T {
    return this.#data.slice(0, this.length) as T;
  }
}

/**
 * Builds the market graph one window at a time, in time order, so the batch job and realtime_graph
 * produce the same graph from the same windows. A node's edges are fixed when it is added and point
 * only from earlier nodes to it: nothing a later window brings changes them (no look-ahead).
 *
 * - time edge (t-1 → t), weight 1, when window t opens right after window t-1 closes (not across a gap);
 * - similarity edges (j → t) from the k nearest of the `lookback` windows before t, by Euclidean
 *   distance over features standardised by their spread so far (expanding standard deviation of
 *   windows 0…t: a later window never changes it), weight exp(−d² / (2F)) (at least MIN_WEIGHT) with F the features that vary.
 *   A window already linked to t in time is not a candidate (one edge per pair).
 */
export class GraphAccumulator {
  readonly shape: GraphShape;
  readonly collection: string;
  readonly #computer: FeatureComputer;
  readonly #features = new Growable((n) => new Float64Array(n));
  readonly #openTimes = new Growable((n) => new Float64Array(n));
  readonly #closeTimes = new Growable((n) => new Float64Array(n));
  readonly #close = new Growable((n) => new Float64Array(n));
  readonly #source = new Growable((n) => new Uint32Array(n));
  readonly #target = new Growable((n) => new Uint32Array(n));
  readonly #weight = new Growable((n) => new Float32Array(n));
  readonly #kind = new Growable((n) => new Uint8Array(n));
  // Welford's running mean and sum of squared deviations per feature.
  readonly #mean = new Float64Array(FEATURE_COUNT);
  readonly #m2 = new Float64Array(FEATURE_COUNT);
  readonly #scale = new Float64Array(FEATURE_COUNT);
  readonly #bestNode: Int32Array;
  readonly #bestDistance: Float64Array;

  /** `collection` names the input in error messages. */
  constructor(shape: GraphShape, collection: string) {
    this.shape = shape;
    this.collection = collection;
    this.#computer = new FeatureComputer(shape.volatilityWindow);
    this.#bestNode = new Int32Array(shape.k);
    this.#bestDistance = new Float64Array(shape.k);
  }

  get nodeCount(): number {
    return this.#openTimes.length;
  }

  get edgeCount(): number {
    return this.#source.length;
  }

  /** Adds the next window (open times strictly increasing) and its edges; returns the node's index. */
  add(w: WindowRow): number {
    const t = this.nodeCount;
    const previousClose = t > 0 ? this.#closeTimes.data[t - 1]! : Number.NaN;
    if (t > 0 && w.openTime <= this.#openTimes.data[t - 1]!) {
      throw new Error(`windows out of order: ${w.openTime} after ${this.#openTimes.data[t - 1]}`);
    }
    const features = this.#features.reserve(FEATURE_COUNT);
    const at = t * FEATURE_COUNT;
    this.#computer.compute(w, t, features, at, this.collection);
    this.#features.length += FEATURE_COUNT;
    this.#openTimes.push(w.openTime);
    this.#closeTimes.push(w.closeTime);
    this.#close.push(w.close);
    this.#updateScale(features, at, t + 1);
    const linkedInTime = t > 0 && w.openTime === previousClose + 1;
    if (linkedInTime) this.#edge(t - 1, t, 1, EDGE_KIND.time);
    this.#similarityEdges(t, linkedInTime);
    return t;
  }

  #updateScale(features: Float64Array, at: number, count: number): void {
    for (let f = 0; f < FEATURE_COUNT; f += 1) {
      const x = features[at + f]!;
      const delta = x - this.#mean[f]!;
      this.#mean[f]! += delta / count;
      this.#m2[f]! += delta * (x - this.#mean[f]!);
      const std = count > 1 ? Math.sqrt(this.#m2[f]! / (count - 1)) : 0;
      // A feature that has not varied yet (std ≈ 0) carries no information about similarity.
      this.#scale[f] = std > 1e-12 ? 1 / std : 0;
    }
  }

  #similarityEdges(t: number, linkedInTime: boolean): void {
    const { k, lookback } = this.shape;
    if (k === 0) return;
    const x = this.#features.data;
    const scale = this.#scale;
    const best = this.#bestNode;
    const bestD = this.#bestDistance;
    let found = 0;
    const first = Math.max(0, t - lookback);
    // Newest first, with a strict comparison: of two equally near windows the more recent one wins.
    for (let j = t - 1; j >= first; j -= 1) {
      if (j === t - 1 && linkedInTime) continue;
      let d2 = 0;
      for (let f = 0, a = t * FEATURE_COUNT, b = j * FEATURE_COUNT; f < FEATURE_COUNT; f += 1) {
        const diff = (x[a + f]! - x[b + f]!) * scale[f]!;
        d2 += diff * diff;
      }
      if (found < k) {
        insertSorted(best, bestD, found, j, d2);
        found += 1;
      } else if (d2 < bestD[k - 1]!) {
        insertSorted(best, bestD, k - 1, j, d2);
      }
    }
    let varying = 0;
    for (let f = 0; f < FEATURE_COUNT; f += 1) if (scale[f]! > 0) varying += 1;
    const width = 2 * Math.max(1, varying);
    for (let i = 0; i < found; i += 1) {
      this.#edge(best[i]!, t, Math.max(MIN_WEIGHT, Math.exp(-bestD[i]! / width)), EDGE_KIND.similarity);
    }
  }

  #edge(source: number, target: number, weight: number, kind: number): void {
    this.#source.push(source);
    this.#target.push(target);
    this.#weight.push(weight);
    this.#kind.push(kind);
  }

  /** The graph so far, as copies (the accumulator can go on growing). */
  snapshot(meta: { collection: string; symbol: string; interval: string }): GraphData {
    return {
      collection: meta.collection,
      symbol: meta.symbol,
      interval: meta.interval,
      openTimes: this.#openTimes.toArray(),
      close: this.#close.toArray(),
      featureNames: [...FEATURE_NAMES],
      features: this.#features.toArray(),
      edges: {
        source: this.#source.toArray(),
        target: this.#target.toArray(),
        weight: this.#weight.toArray(),
        kind: this.#kind.toArray(),
      },
    };
  }
}

/** Puts (node, d) into the sorted first `count + 1` slots, dropping whatever falls off the end. */
function insertSorted(
  nodes: Int32Array,
  distances: Float64Array,
  count: number,
  node: number,
  d: number,
): void {
  let i = count;
  while (i > 0 && distances[i - 1]! > d) {
    if (i < nodes.length) {
      nodes[i] = nodes[i - 1]!;
      distances[i] = distances[i - 1]!;
    }
    i -= 1;
  }
  nodes[i] = node;
  distances[i] = d;
}
