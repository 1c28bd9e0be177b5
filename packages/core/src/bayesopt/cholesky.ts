// Dense Cholesky factorisation for the surrogates: factor with a jitter fallback, triangular
// solves, the inverse from the factor, and the O(n^2) rank-one extension used by the incremental
// posterior update. Matrices are row-major Float64Arrays of n*n; a factor L is lower triangular.

import { ConvergenceError } from "../errors.js";
import { denseKernels } from "../linalg/dense-kernels.js";

// From this size on, the factorisation and the inverse run in the WebAssembly SIMD kernels
// (src/linalg/dense-kernels.ts), about 8x faster at n = 500; below it copying in and out costs
// more than it saves. The loops here stay as the fallback and as the kernels' reference in tests.
const KERNEL_MIN_N = 24;

// sum_{k < len} a[ia + k] b[ib + k] with four accumulators (breaks the add dependency chain).
function dot(a: Float64Array, ia: number, b: Float64Array, ib: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < len; k += 4) {
    s0 += (a[ia + k] as number) * (b[ib + k] as number);
    s1 += (a[ia + k + 1] as number) * (b[ib + k + 1] as number);
    s2 += (a[ia + k + 2] as number) * (b[ib + k + 2] as number);
    s3 += (a[ia + k + 3] as number) * (b[ib + k + 3] as number);
  }
  for (; k < len; k++) s0 += (a[ia + k] as number) * (b[ib + k] as number);
  return s0 + s1 + (s2 + s3);
}

/** A lower-triangular Cholesky factor and the jitter that was added to the diagonal to obtain it. */
export interface CholeskyFactor {
  readonly L: Float64Array;
  readonly n: number;
  readonly jitter: number;
}

/**
 * Cholesky-Banachiewicz factorisation A = L L^T of a symmetric positive-definite A (Golub & Van
 * Loan, Matrix Computations 4th ed., Alg. 4.2.1). Returns null when a pivot is not positive.
 */
export function cholesky(A: Float64Array, n: number): Float64Array | null {
  const k = n >= KERNEL_MIN_N ? denseKernels() : null;
  return k ? k.cholesky(A, n) : choleskyLoops(A, n);
}

/** `cholesky` in plain TypeScript loops (the fallback without WebAssembly SIMD). */
export function choleskyLoops(A: Float64Array, n: number): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = (A[ri + j] as number) - dot(L, ri, L, rj, j);
      if (i === j) {
        if (!(s > 0) || !Number.isFinite(s)) return null;
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / (L[rj + j] as number);
      }
    }
  }
  return L;
}

/**
 * Cholesky with a jitter fallback: if A is not numerically positive-definite, adds
 * jitter = 1e-10, 1e-9, ... up to 1e-4 times the mean diagonal to the diagonal (the strategy of
 * GPy's jitchol). Throws ConvergenceError if even the largest jitter fails.
 */
export function choleskyWithJitter(A: Float64Array, n: number, initialJitter = 0): CholeskyFactor {
  if (initialJitter === 0) {
    const L = cholesky(A, n);
    if (L) return { L, n, jitter: 0 };
  }
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i] as number;
  meanDiag = n > 0 ? Math.abs(meanDiag / n) : 1;
  if (!(meanDiag > 0)) meanDiag = 1;
  const B = new Float64Array(A);
  const start = initialJitter > 0 ? initialJitter : 1e-10 * meanDiag;
  const limit = Math.max(start, 1e-4 * meanDiag) * (1 + 1e-9);
  let jitter = start;
  for (; jitter <= limit; jitter *= 10) {
    for (let i = 0; i < n; i++) B[i * n + i] = (A[i * n + i] as number) + jitter;
    const L = cholesky(B, n);
    if (L) return { L, n, jitter };
  }
  throw new ConvergenceError(`covariance matrix is not positive-definite even with jitter ${jitter / 10}`);
}

/** Solves L x = b by forward substitution. */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    x[i] = ((b[i] as number) - dot(L, ri, x, 0, i)) / (L[ri + i] as number);
  }
  return x;
}

/** Solves L^T x = b by back substitution. */
export function solveUpperTransposed(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  const x = Float64Array.from(b as ArrayLike<number>);
  for (let i = n - 1; i >= 0; i--) {
    const xi = (x[i] as number) / (L[i * n + i] as number);
    x[i] = xi;
    // subtract column i of L^T (row i of L) from the remaining entries
    const ri = i * n;
    for (let k = 0; k < i; k++) x[k] = (x[k] as number) - (L[ri + k] as number) * xi;
  }
  return x;
}

/** Solves (L L^T) x = b. */
export function choleskySolve(L: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperTransposed(L, n, solveLower(L, n, b));
}

/** sum_i log L_ii = log det(A) / 2. */
export function halfLogDet(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i] as number);
  return s;
}

/** The full symmetric inverse A^{-1} = L^{-T} L^{-1} from the factor (LAPACK dpotri's algorithm). */
export function choleskyInverse(L: Float64Array, n: number): Float64Array {
  const k = n >= KERNEL_MIN_N ? denseKernels() : null;
  return k ? k.choleskyInverse(L, n) : choleskyInverseLoops(L, n);
}

/** `choleskyInverse` in plain TypeScript loops (the fallback without WebAssembly SIMD). */
export function choleskyInverseLoops(L: Float64Array, n: number): Float64Array {
  // Mt = (L^{-1})^T, upper triangular, built row by row (row j of Mt is column j of L^{-1}) so that
  // every inner loop runs over contiguous memory.
  const Mt = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    Mt[rj + j] = 1 / (L[rj + j] as number);
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      Mt[rj + i] = -dot(L, ri + j, Mt, rj + j, i - j) / (L[ri + i] as number);
    }
  }
  // A^{-1}_{ij} = sum_{k >= max(i,j)} (L^{-1})_{ki} (L^{-1})_{kj}
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      const s = dot(Mt, ri + i, Mt, rj + i, n - i);
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}

/**
 * Extends the factor of A (n x n) to the factor of [[A, b], [b^T, c]] in O(n^2): the new row is
 * l = L^{-1} b and the new pivot sqrt(c - l^T l) (the bordered Cholesky update, Golub & Van Loan
 * §4.2). Returns null if the new pivot is not positive.
 */
export function choleskyAppend(L: Float64Array, n: number, b: ArrayLike<number>, c: number): Float64Array | null {
  const l = solveLower(L, n, b);
  let d = c;
  for (let k = 0; k < n; k++) d -= (l[k] as number) * (l[k] as number);
  if (!(d > 0) || !Number.isFinite(d)) return null;
  const m = n + 1;
  const out = new Float64Array(m * m);
  for (let i = 0; i < n; i++) out.set(L.subarray(i * n, i * n + i + 1), i * m);
  out.set(l, n * m);
  out[n * m + n] = Math.sqrt(d);
  return out;
}
