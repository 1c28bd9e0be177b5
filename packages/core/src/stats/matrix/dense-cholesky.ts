// Dense Cholesky factorisation and triangular solves on row-major Float64Arrays, the kernels of
// the mixed-model deviance (small per-group blocks and the dense Schur complement). Golub & Van
// Loan, Matrix Computations (4th ed.), Algorithm 4.2.1 (column-oriented Cholesky).

/**
 * Overwrites the lower triangle of the n x n row-major matrix `a` (at `off`) with L, A = L L'.
 * Returns false if A is not numerically positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number, off = 0): boolean {
  for (let j = 0; j < n; j++) {
    const rj = off + j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = off + i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s / ljj;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0; // clear the upper triangle
  }
  return true;
}

/** Solves L X = B in place for B (n x m row-major at `bOff`), L lower (n x n row-major at `lOff`). */
export function forwardSolve(l: Float64Array, n: number, b: Float64Array, m: number, lOff = 0, bOff = 0): void {
  for (let i = 0; i < n; i++) {
    const li = lOff + i * n;
    const bi = bOff + i * m;
    for (let k = 0; k < i; k++) {
      const lik = l[li + k]!;
      if (lik === 0) continue;
      const bk = bOff + k * m;
      for (let c = 0; c < m; c++) b[bi + c]! -= lik * b[bk + c]!;
    }
    const d = l[li + i]!;
    for (let c = 0; c < m; c++) b[bi + c]! /= d;
  }
}

/** Solves L' X = B in place for B (n x m row-major at `bOff`), L lower (n x n row-major at `lOff`). */
export function backwardSolveTransposed(l: Float64Array, n: number, b: Float64Array, m: number, lOff = 0, bOff = 0): void {
  for (let i = n - 1; i >= 0; i--) {
    const bi = bOff + i * m;
    for (let k = i + 1; k < n; k++) {
      const lki = l[lOff + k * n + i]!;
      if (lki === 0) continue;
      const bk = bOff + k * m;
      for (let c = 0; c < m; c++) b[bi + c]! -= lki * b[bk + c]!;
    }
    const d = l[lOff + i * n + i]!;
    for (let c = 0; c < m; c++) b[bi + c]! /= d;
  }
}

/** (L L')^{-1} from a lower Cholesky factor (R: chol2inv), row-major n x n. */
export function choleskyInverse(l: Float64Array, n: number): Float64Array {
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) inv[i * n + i] = 1;
  forwardSolve(l, n, inv, n);
  backwardSolveTransposed(l, n, inv, n);
  return inv;
}
