// Cora in the Planetoid split (Yang et al. 2016) exactly as Kipf & Welling's load_data() builds it:
// features and labels are allx/ally stacked on tx/ty with the test rows put back at the node ids of
// ind.cora.test.index; train = the first 140 nodes, validation = nodes 140–639, test = the sorted test ids.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { csrFromTriplets, type Csr, type Precision } from '../model/csr.ts';
import { numpyArray, PyObject, unpickle } from './pickle.ts';

export interface CoraDataset {
  readonly nodes: number;
  readonly classes: number;
  /** Row-normalised bag of words (each row sums to 1), nodes × 1433. */
  readonly features: Csr;
  /** Each undirected citation once per direction listed in the source file (duplicates included). */
  readonly edges: { readonly source: Uint32Array; readonly target: Uint32Array };
  readonly labels: Int32Array;
  readonly split: {
    readonly train: Uint32Array;
    readonly validation: Uint32Array;
    readonly test: Uint32Array;
  };
}

interface ScipyCsr {
  rows: number;
  cols: number;
  indptr: Int32Array;
  indices: Int32Array;
  data: ArrayLike<number>;
}

export function loadCora(dir: string, precision: Precision = 'float32'): CoraDataset {
  const read = (name: string): unknown => unpickle(readFileSync(join(dir, `ind.cora.${name}`)));
  const allx = scipyCsr(read('allx'));
  const tx = scipyCsr(read('tx'));
  const ally = numpyArray(read('ally'));
  const ty = numpyArray(read('ty'));
  const y = numpyArray(read('y'));
  const graph = read('graph') as PyObject;
  const testIndex = readFileSync(join(dir, 'ind.cora.test.index'), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number);

  const nodes = allx.rows + tx.rows;
  const classes = ally.shape[1]!;
  // features[test_idx_reorder] = features[sorted(test_idx_reorder)] on the stacked rows: sourceRow[new] = old.
  const sortedTest = [...testIndex].sort((a, b) => a - b);
  const sourceRow = Uint32Array.from({ length: nodes }, (_, i) => i);
  testIndex.forEach((node, k) => (sourceRow[node] = sortedTest[k]!));

  const rows: number[] = [];
  const cols: number[] = [];
  const values: number[] = [];
  const labels = new Int32Array(nodes);
  for (let node = 0; node < nodes; node++) {
    const old = sourceRow[node]!;
    const [matrix, row, labelRows, labelRow] =
      old < allx.rows ? [allx, old, ally, old] : [tx, old - allx.rows, ty, old - allx.rows];
    let rowSum = 0;
    for (let p = matrix.indptr[row]!; p < matrix.indptr[row + 1]!; p++) rowSum += matrix.data[p]!;
    for (let p = matrix.indptr[row]!; p < matrix.indptr[row + 1]!; p++) {
      rows.push(node);
      cols.push(matrix.indices[p]!);
      values.push(rowSum === 0 ? 0 : matrix.data[p]! / rowSum);
    }
    labels[node] = argmax(labelRows.data, labelRow * classes, classes);
  }
  const features = csrFromTriplets(nodes, allx.cols, rows, cols, values, 'sum', precision);

  const source: number[] = [];
  const target: number[] = [];
  for (const [node, neighbours] of graph.items) {
    for (const other of neighbours as number[]) {
      source.push(node as number);
      target.push(other);
    }
  }
  const train = y.shape[0]!;
  return {
    nodes,
    classes,
    features,
    edges: { source: Uint32Array.from(source), target: Uint32Array.from(target) },
    labels,
    split: {
      train: Uint32Array.from({ length: train }, (_, i) => i),
      validation: Uint32Array.from({ length: 500 }, (_, i) => train + i),
      test: Uint32Array.from(sortedTest),
    },
  };
}

function scipyCsr(value: unknown): ScipyCsr {
  if (!(value instanceof PyObject) || !(value.state instanceof Map))
    throw new Error('pickle: expected a scipy matrix');
  const state = value.state;
  const shape = state.get('_shape') as number[];
  return {
    rows: shape[0]!,
    cols: shape[1]!,
    indptr: numpyArray(state.get('indptr')).data as Int32Array,
    indices: numpyArray(state.get('indices')).data as Int32Array,
    data: numpyArray(state.get('data')).data,
  };
}

function argmax(data: ArrayLike<number>, from: number, length: number): number {
  let best = 0;
  for (let c = 1; c < length; c++) if (data[from + c]! > data[from + best]!) best = c;
  return best;
}
