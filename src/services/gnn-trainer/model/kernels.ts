// The products a 2-layer GCN needs, forward and backward, on row-major typed arrays. Every loop runs
// along rows in memory order, and nothing here allocates: the caller owns every output buffer.
import type { Csr, FloatArray } from './csr.ts';

/** out (A.rows × k) = A · B, B dense (A.cols × k). Zero entries (dropped out) are skipped. */
export function sparseTimesDense(a: Csr, b: FloatArray, k: number, out: FloatArray): void {
  const { rows, rowStart, colIndex, values } = a;
  out.fill(0, 0, rows * k);
  for (let i = 0; i < rows; i++) {
    const o = i * k;
    for (let p = rowStart[i]!, end = rowStart[i + 1]!; p < end; p++) {
      const v = values[p]!;
      if (v === 0) continue;
      const bRow = colIndex[p]! * k;
      for (let c = 0; c < k; c++) out[o + c]! += v * b[bRow + c]!;
    }
  }
}

/**
 * out (A.cols × k) = Aᵀ · B, B dense (A.rows × k), by scattering each row of A: the transpose is never
 * built, so a directed (causal) adjacency costs no more than a symmetric one. Backward passes start from
 * the few labelled rows, so B is mostly zero rows: those are skipped, as are zero entries of A.
 */
export function sparseTransposeTimesDense(a: Csr, b: FloatArray, k: number, out: FloatArray): void {
  const { rows, cols, rowStart, colIndex, values } = a;
  out.fill(0, 0, cols * k);
  for (let i = 0; i < rows; i++) {
    const bRow = i * k;
    if (isZeroRow(b, bRow, k)) continue;
    for (let p = rowStart[i]!, end = rowStart[i + 1]!; p < end; p++) {
      const v = values[p]!;
      if (v === 0) continue;
      const o = colIndex[p]! * k;
      for (let c = 0; c < k; c++) out[o + c]! += v * b[bRow + c]!;
    }
  }
}

/** out (n × k) = A (n × m) · B (m × k), all dense. */
export function denseTimesDense(
  a: FloatArray,
  n: number,
  m: number,
  b: FloatArray,
  k: number,
  out: FloatArray,
): void {
  out.fill(0, 0, n * k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let j = 0; j < m; j++) {
      const v = a[i * m + j]!;
      if (v === 0) continue; // ReLU and dropout leave many zeros
      const bRow = j * k;
      for (let c = 0; c < k; c++) out[o + c]! += v * b[bRow + c]!;
    }
  }
}

/** out (m × k) = Aᵀ · B with A (n × m) and B (n × k) dense: a weight gradient. */
export function denseTransposeTimesDense(
  a: FloatArray,
  n: number,
  m: number,
  b: FloatArray,
  k: number,
  out: FloatArray,
): void {
  out.fill(0, 0, m * k);
  for (let i = 0; i < n; i++) {
    const bRow = i * k;
    for (let j = 0; j < m; j++) {
      const v = a[i * m + j]!;
      if (v === 0) continue;
      const o = j * k;
      for (let c = 0; c < k; c++) out[o + c]! += v * b[bRow + c]!;
    }
  }
}

/** out (n × m) = A (n × k) · Bᵀ with B (m × k): the gradient flowing back through a weight matrix. */
export function denseTimesDenseTranspose(
  a: FloatArray,
  n: number,
  k: number,
  b: FloatArray,
  m: number,
  out: FloatArray,
): void {
  for (let i = 0; i < n; i++) {
    const aRow = i * k;
    for (let j = 0; j < m; j++) {
      const bRow = j * k;
      let sum = 0;
      for (let c = 0; c < k; c++) sum += a[aRow + c]! * b[bRow + c]!;
      out[i * m + j] = sum;
    }
  }
}

function isZeroRow(b: FloatArray, from: number, k: number): boolean {
  for (let c = 0; c < k; c++) if (b[from + c] !== 0) return false;
  return true;
}
