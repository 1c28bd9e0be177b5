// Small dense linear algebra on plain arrays (number[][] row-major), enough for the per-arm
// linear models of the contextual bandit: products, quadratic forms, and a Gauss-Jordan inverse.

import { InvalidArgumentError } from "../errors.js";

/** d x d identity times `scale`. */
export function scaledIdentity(d: number, scale = 1): number[][] {
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? scale : 0)));
}

/** Dot product of two vectors of equal length. */
export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** M v. */
export function matVec(m: readonly (readonly number[])[], v: readonly number[]): number[] {
  return m.map((row) => dot(row, v));
}

/** x^T M x. */
export function quadForm(m: readonly (readonly number[])[], x: readonly number[]): number {
  return dot(x, matVec(m, x));
}

/**
 * Inverse of a square matrix by Gauss-Jordan elimination with partial pivoting (Golub & Van Loan,
 * Matrix Computations, 4th ed., section 3.4). Throws on a singular matrix.
 */
export function invertMatrix(m: readonly (readonly number[])[]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => {
    if (row.length !== n) throw new InvalidArgumentError("matrix must be square");
    return [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))];
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (Math.abs(a[pivot]![col]!) < 1e-300) throw new InvalidArgumentError("matrix is singular");
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const row = a[col]!;
    const p = row[col]!;
    for (let j = 0; j < 2 * n; j++) row[j]! /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const other = a[r]!;
      const f = other[col]!;
      if (f === 0) continue;
      for (let j = 0; j < 2 * n; j++) other[j]! -= f * row[j]!;
    }
  }
  return a.map((row) => row.slice(n));
}
