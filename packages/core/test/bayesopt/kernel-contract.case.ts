// The ONE contract suite every GP kernel runs: c(0) = 1, values in (0, 1], monotone decreasing in
// r, vanishing far away, dc/d(r^2) matching central differences, and positive-definite Gram
// matrices on random point sets (Cholesky succeeds without jitter once a small nugget is added).

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { cholesky } from "../../src/bayesopt/cholesky.js";
import type { Kernel } from "../../src/bayesopt/index.js";

export function runKernelContract(kernel: Kernel): void {
  describe(`kernel contract: ${kernel.name}`, () => {
    it("c(0) = 1 and c decreases from 1 to 0", () => {
      expect(kernel.corr(0)).toBe(1);
      let prev = 1;
      for (let r = 0.05; r < 20; r += 0.05) {
        const c = kernel.corr(r * r);
        expect(c).toBeLessThanOrEqual(prev);
        expect(c).toBeGreaterThanOrEqual(0);
        prev = c;
      }
      expect(kernel.corr(1e4)).toBeLessThan(1e-20);
    });
    it("dc/d(r^2) matches central differences, and is finite and negative at 0", () => {
      expect(Number.isFinite(kernel.dcorr(0))).toBe(true);
      expect(kernel.dcorr(0)).toBeLessThan(0);
      for (const r2 of [0.01, 0.3, 1, 2.5, 9]) {
        const h = 1e-6 * r2;
        const fd = (kernel.corr(r2 + h) - kernel.corr(r2 - h)) / (2 * h);
        expect(Math.abs(kernel.dcorr(r2) - fd)).toBeLessThan(1e-7);
      }
    });
    it("Gram matrices of random points are positive-definite (property)", () => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })), { minLength: 1, maxLength: 25 }), (pts) => {
          const n = pts.length;
          const K = new Float64Array(n * n);
          for (let i = 0; i < n; i++)
            for (let j = 0; j < n; j++) {
              const dx = pts[i]![0] - pts[j]![0];
              const dy = pts[i]![1] - pts[j]![1];
              K[i * n + j] = kernel.corr((dx * dx) / 0.64 + dy * dy) + (i === j ? 1e-6 : 0);
            }
          return cholesky(K, n) !== null;
        }),
        { numRuns: 60, seed: 7 },
      );
    });
  });
}
