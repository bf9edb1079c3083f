import { csrFromTriplets, type Csr, type Precision } from './csr.ts';

export interface WeightedEdges {
  readonly source: ArrayLike<number>;
  readonly target: ArrayLike<number>;
  /** Positive weights; omitted: every edge weighs 1. */
  readonly weight?: ArrayLike<number>;
}

/**
 * How messages flow along an edge:
 * - 'symmetric': both ways, as Kipf & Welling (citation graphs, where every node's label is known to exist
 *   at once);
 * - 'causal': only from the earlier node (smaller index) to the later one. Nodes of a market graph are
 *   windows in time; the label of window t is the direction of window t+1, whose own features (its
 *   return) sit on node t+1. A symmetric adjacency would hand node t its own label through the t → t+1
 *   time edge, so the market model only ever aggregates its past.
 */
export type Propagation = 'symmetric' | 'causal';

/**
 * The GCN propagation matrix D^-1/2 (A + I) D^-1/2 (Kipf & Welling, eq. 2) as CSR, with D the row sums of
 * A + I. Self-loops in `edges` are dropped (the identity adds each node's own row once); an edge listed
 * more than once, or in both directions, counts once with its largest weight (Kipf's code does the same
 * when it symmetrises the adjacency). For 'causal' the matrix is lower-triangular and not symmetric.
 */
export function normalizedAdjacency(
  nodes: number,
  edges: WeightedEdges,
  propagation: Propagation,
  precision: Precision,
): Csr {
  const count = edges.source.length;
  const perEdge = propagation === 'symmetric' ? 2 : 1;
  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  for (let e = 0; e < count; e++) {
    const s = edges.source[e]!;
    const t = edges.target[e]!;
    if (s === t) continue;
    const w = edges.weight?.[e] ?? 1;
    if (perEdge === 2) {
      rows.push(s, t);
      cols.push(t, s);
      values.push(w, w);
    } else {
      rows.push(Math.max(s, t));
      cols.push(Math.min(s, t));
      values.push(w);
    }
  }
  for (let i = 0; i < nodes; i++) {
    rows.push(i);
    cols.push(i);
    values.push(1);
  }
  // Off-diagonal duplicates collapse by max; the diagonal has exactly one entry (self-loops were dropped).
  const matrix = csrFromTriplets(nodes, nodes, rows, cols, values, 'max', precision);
  const degree = new Float64Array(nodes);
  for (let i = 0; i < nodes; i++) {
    let sum = 0;
    for (let p = matrix.rowStart[i]!; p < matrix.rowStart[i + 1]!; p++) sum += matrix.values[p]!;
    degree[i] = 1 / Math.sqrt(sum);
  }
  for (let i = 0; i < nodes; i++) {
    for (let p = matrix.rowStart[i]!; p < matrix.rowStart[i + 1]!; p++) {
      matrix.values[p] = matrix.values[p]! * degree[i]! * degree[matrix.colIndex[p]!]!;
    }
  }
  return matrix;
}
