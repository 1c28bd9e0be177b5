// Products with the relative covariance factor Λθ, which is block diagonal: runs of identical
// lower-triangular k x k blocks (one run per random-effects term, one block per level). Used
// to form Λ'Z'ZΛ, Λ'Z'X and b = Λu without ever building Λ.

/** `count` consecutive k x k blocks starting at row/column `offset`, all equal to `lambda` (row-major, lower). */
export interface LambdaRun {
  offset: number;
  k: number;
  count: number;
  lambda: Float64Array;
}

/** M <- Λ' M for an (rows of Λ) x width row-major matrix. */
export function lambdaTransposeRows(runs: readonly LambdaRun[], m: Float64Array, width: number): void {
  for (const run of runs) {
    const { k, lambda } = run;
    if (k === 1) {
      const s = lambda[0]!;
      const end = (run.offset + run.count) * width;
      for (let i = run.offset * width; i < end; i++) m[i]! *= s;
      continue;
    }
    for (let l = 0; l < run.count; l++) {
      const base = run.offset + l * k;
      // new row a = sum_{b >= a} Λ[b][a] row b: ascending a only reads rows not yet overwritten.
      for (let a = 0; a < k; a++) {
        const ra = (base + a) * width;
        for (let c = 0; c < width; c++) {
          let s = 0;
          for (let b = a; b < k; b++) s += lambda[b * k + a]! * m[(base + b) * width + c]!;
          m[ra + c] = s;
        }
      }
    }
  }
}

/** M <- M Λ for a nrows x (columns of Λ) row-major matrix with row stride `stride` and column offset `colOff`. */
export function lambdaRightColumns(runs: readonly LambdaRun[], m: Float64Array, nrows: number, stride: number, colOff = 0): void {
  for (const run of runs) {
    const { k, lambda } = run;
    for (let r = 0; r < nrows; r++) {
      const row = r * stride + colOff;
      if (k === 1) {
        const s = lambda[0]!;
        const end = row + run.offset + run.count;
        for (let i = row + run.offset; i < end; i++) m[i]! *= s;
        continue;
      }
      for (let l = 0; l < run.count; l++) {
        const base = row + run.offset + l * k;
        // new col a = sum_{b >= a} col b Λ[b][a]
        for (let a = 0; a < k; a++) {
          let s = 0;
          for (let b = a; b < k; b++) s += m[base + b]! * lambda[b * k + a]!;
          m[base + a] = s;
        }
      }
    }
  }
}

/** b = Λ u (a vector). */
export function lambdaTimesVector(runs: readonly LambdaRun[], u: Float64Array): Float64Array {
  const b = new Float64Array(u.length);
  for (const run of runs) {
    const { k, lambda } = run;
    for (let l = 0; l < run.count; l++) {
      const base = run.offset + l * k;
      for (let a = 0; a < k; a++) {
        let s = 0;
        for (let c = 0; c <= a; c++) s += lambda[a * k + c]! * u[base + c]!;
        b[base + a] = s;
      }
    }
  }
  return b;
}
