// The WebAssembly dense kernels against the plain TypeScript loops they replace (same algorithms,
// different summation order): the Cholesky factor and the inverse agree to 1e-12 relative on
// seeded random symmetric positive-definite matrices of every size mod 4 (the kernels block rows
// by four and columns by two), the product of the matrix and its inverse is the identity, and a
// matrix that is not positive-definite (or holds a NaN) is refused as the loops refuse it; the
// forward substitution for many right-hand sides equals one solve per row.

import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { denseKernels } from "../../src/linalg/dense-kernels.js";
import { choleskyInverseLoops, choleskyLoops, solveLower } from "../../src/bayesopt/cholesky.js";
import { createRng } from "../../src/random/rng.js";

/** A = B B^T / n + I for a seeded uniform B: symmetric positive-definite, condition number modest. */
function spd(n: number, seed: string): Float64Array {
  const rng = createRng(seed);
  const B = Float64Array.from({ length: n * n }, () => rng() - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (B[i * n + k] as number) * (B[j * n + k] as number);
      A[i * n + j] = s / n + (i === j ? 1 : 0);
      A[j * n + i] = A[i * n + j] as number;
    }
  }
  return A;
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst / scale;
}

const kernels = denseKernels();

describe("dense WebAssembly kernels", () => {
  it("load in this runtime (Node has WebAssembly SIMD)", () => {
    expect(kernels).not.toBeNull();
  });

  const sizes = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 17, 24, 31, 32, 33, 34, 35, 64, 101, 130];
  it.each(sizes)("n = %i: factor and inverse equal the loops' to 1e-12", (n) => {
    const A = spd(n, `spd-${n}`);
    const L = kernels!.cholesky(A, n) as Float64Array;
    const Lref = choleskyLoops(A, n) as Float64Array;
    expect(maxRelDiff(L, Lref)).toBeLessThan(1e-12);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) expect(L[i * n + j]).toBe(0);
    const inv = kernels!.choleskyInverse(L, n);
    expect(maxRelDiff(inv, choleskyInverseLoops(Lref, n))).toBeLessThan(1e-12);
    // A A^{-1} = I
    let worst = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (A[i * n + k] as number) * (inv[k * n + j] as number);
        worst = Math.max(worst, Math.abs(s - (i === j ? 1 : 0)));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it.each([[1, 1], [7, 3], [33, 4], [34, 9], [130, 13]])("n = %i, m = %i right-hand sides: forward substitution equals the loops'", (n, m) => {
    const A = spd(n, `rows-${n}`);
    const L = choleskyLoops(A, n) as Float64Array;
    const rng = createRng(`rhs-${n}-${m}`);
    const B = Float64Array.from({ length: m * n }, () => rng() - 0.5);
    const X = kernels!.solveLowerRows(L, n, B, m);
    const ref = new Float64Array(m * n);
    for (let r = 0; r < m; r++) ref.set(solveLower(L, n, B.subarray(r * n, (r + 1) * n)), r * n);
    expect(maxRelDiff(X, ref)).toBeLessThan(1e-12);
  });

  it("reads only the lower triangle of A", () => {
    const n = 37;
    const A = spd(n, "lower");
    const B = new Float64Array(A);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) B[i * n + j] = 1e6 * (i - j);
    expect(kernels!.cholesky(B, n)).toEqual(kernels!.cholesky(A, n));
  });

  it("refuses a matrix that is not positive-definite, or holds a NaN, as the loops do", () => {
    for (const n of [5, 40]) {
      const A = spd(n, `npd-${n}`);
      const bad = new Float64Array(A);
      bad[(n - 2) * n + (n - 2)] = -1; // a negative diagonal entry late in the factorisation
      expect(choleskyLoops(bad, n)).toBeNull();
      expect(kernels!.cholesky(bad, n)).toBeNull();
      const nan = new Float64Array(A);
      nan[(n - 1) * n + 1] = Number.NaN;
      expect(choleskyLoops(nan, n)).toBeNull();
      expect(kernels!.cholesky(nan, n)).toBeNull();
    }
  });

  it("a factor other than the last one computed is copied in (two factors used alternately)", () => {
    const n = 45;
    const A1 = spd(n, "alt-1");
    const A2 = spd(n, "alt-2");
    const L1 = kernels!.cholesky(A1, n) as Float64Array;
    const L2 = kernels!.cholesky(A2, n) as Float64Array;
    const B = Float64Array.from({ length: 5 * n }, (_, i) => Math.sin(i));
    for (const [L, A] of [[L1, A1], [L2, A2], [L1, A1]] as const) {
      const ref = choleskyLoops(A, n) as Float64Array;
      expect(maxRelDiff(kernels!.choleskyInverse(L, n), choleskyInverseLoops(ref, n))).toBeLessThan(1e-12);
      const X = kernels!.solveLowerRows(L, n, B, 5);
      for (let r = 0; r < 5; r++) expect(maxRelDiff(X.subarray(r * n, (r + 1) * n), solveLower(ref, n, B.subarray(r * n, (r + 1) * n)))).toBeLessThan(1e-12);
    }
  });

  it("grows its memory for a larger matrix after a smaller one and stays correct", () => {
    for (const n of [8, 300, 16]) {
      const A = spd(n, `grow-${n}`);
      expect(maxRelDiff(kernels!.cholesky(A, n) as Float64Array, choleskyLoops(A, n) as Float64Array)).toBeLessThan(1e-12);
    }
  });
});

describe("the embedded module", () => {
  it("is what `npm run build:wasm` builds from packages/core/assembly/dense-kernels.ts", () => {
    const root = fileURLToPath(new URL("../../../../", import.meta.url));
    // exits 1 with a message if the committed module and a fresh compilation differ
    const out = execFileSync(process.execPath, ["scripts/build-wasm.mjs", "--check"], { cwd: root, encoding: "utf8" });
    expect(out).toContain("up to date");
  }, 60_000);
});
