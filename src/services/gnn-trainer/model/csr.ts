/** Float storage of a model: float32 for training speed, float64 for the gradient check. */
export type FloatArray = Float32Array | Float64Array;
export type Precision = 'float32' | 'float64';

export function floatArray(precision: Precision, length: number): FloatArray {
  return precision === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/**
 * A sparse matrix in compressed sparse row form: row i's entries are colIndex/values[rowStart[i] ..
 * rowStart[i + 1]), columns ascending. Both the normalised adjacency and a bag-of-words feature matrix
 * (Cora: 1.3 % non-zero) are kept this way so every product walks memory in order.
 */
export interface Csr {
  readonly rows: number;
  readonly cols: number;
  readonly rowStart: Uint32Array;
  readonly colIndex: Uint32Array;
  readonly values: FloatArray;
}

export function nonZeros(matrix: Csr): number {
  return matrix.rowStart[matrix.rows]!;
}

/**
 * CSR from (row, col, value) triplets in any order; duplicates are combined by `combine` (a citation
 * listed twice is one edge: 'max'; summing contributions: 'sum').
 */
export function csrFromTriplets(
  rows: number,
  cols: number,
  tripletRows: ArrayLike<number>,
  tripletCols: ArrayLike<number>,
  tripletValues: ArrayLike<number>,
  combine: 'max' | 'sum',
  precision: Precision,
): Csr {
  const count = tripletRows.length;
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => tripletRows[a]! - tripletRows[b]! || tripletCols[a]! - tripletCols[b]!);

  const rowStart = new Uint32Array(rows + 1);
  const colIndex = new Uint32Array(count);
  const values = floatArray(precision, count);
  let written = 0;
  let lastRow = -1;
  let lastCol = -1;
  for (const k of order) {
    const r = tripletRows[k]!;
    const c = tripletCols[k]!;
    const v = tripletValues[k]!;
    if (r === lastRow && c === lastCol) {
      const at = written - 1;
      values[at] = combine === 'max' ? Math.max(values[at]!, v) : values[at]! + v;
      continue;
    }
    colIndex[written] = c;
    values[written] = v;
    rowStart[r + 1]!++;
    written++;
    lastRow = r;
    lastCol = c;
  }
  for (let r = 0; r < rows; r++) rowStart[r + 1] = rowStart[r + 1]! + rowStart[r]!;
  return {
    rows,
    cols,
    rowStart,
    colIndex: colIndex.slice(0, written),
    values: values.slice(0, written),
  };
}

/** A dense row-major matrix as CSR with every entry kept (market features: a few dense columns). */
export function csrFromDense(
  rows: number,
  cols: number,
  dense: ArrayLike<number>,
  precision: Precision,
): Csr {
  const rowStart = new Uint32Array(rows + 1);
  const colIndex = new Uint32Array(rows * cols);
  const values = floatArray(precision, rows * cols);
  for (let r = 0; r < rows; r++) {
    rowStart[r + 1] = (r + 1) * cols;
    for (let c = 0; c < cols; c++) {
      colIndex[r * cols + c] = c;
      values[r * cols + c] = dense[r * cols + c]!;
    }
  }
  return { rows, cols, rowStart, colIndex, values };
}
