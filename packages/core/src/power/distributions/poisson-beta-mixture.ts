// Poisson mixtures of incomplete beta functions, Σ_j w_j B(a0 + j, b) with w_j = e^{-λ} λ^{j+s} /
// Γ(j + s + 1): the series behind the noncentral t (Lenth 1989, AS 243) and noncentral beta / F
// (Lenth 1987, AS 226) distributions. Summed outward from the Poisson mode with the recurrences
// I_x(a + 1, b) = I_x(a, b) - g(a), g(a) = x^a y^b / (a B(a, b)), g(a + 1) = g(a) x (a + b) / (a + 1)
// in both directions (Benton & Krishnamoorthy 2003, CSDA 43:249–267), so a large noncentrality
// neither underflows the first weight nor needs thousands of terms before the bulk.

import { incompleteBeta, logBetaKernel } from "../special/incomplete-beta.js";
import { poissonWeight } from "./poisson-weight.js";

const WEIGHT_TOL = 1e-17;

/**
 * Σ_{j >= 0} w_j B_j with w_j = e^{-λ} λ^{j+shift} / Γ(j + shift + 1) and B_j the lower (I_x) or
 * upper (1 - I_x) regularised incomplete beta at (a0 + j, b); x in (0, 1), y = 1 - x, λ > 0.
 */
export function poissonBetaMixture(
  x: number,
  y: number,
  a0: number,
  b: number,
  lambda: number,
  shift: number,
  upper: boolean,
): number {
  const k = Math.max(0, Math.floor(lambda - shift));
  const aK = a0 + k;
  const wK = poissonWeight(k + shift, lambda);
  const ib = incompleteBeta(x, aK, b, y);
  const bK = upper ? ib.upper : ib.lower;
  const gK = Math.exp(logBetaKernel(x, y, aK, b)) / aK; // g(a0 + k)
  const dir = upper ? 1 : -1; // B(a + 1) = B(a) + dir g(a)
  let sum = wK * bK;

  // Forward, j = k + 1, k + 2, ...
  let w = wK;
  let bj = bK;
  let g = gK; // g(a0 + j - 1)
  for (let j = k + 1; ; j++) {
    bj += dir * g;
    const a = a0 + j - 1;
    g *= (x * (a + b)) / (a + 1);
    w *= lambda / (j + shift);
    sum += w * bj;
    const r = lambda / (j + 1 + shift);
    if (r < 1 && (w * r) / (1 - r) < WEIGHT_TOL) break;
    if (w === 0) break;
  }
  // Backward, j = k - 1, ..., 0: g(a - 1) = g(a) a / (x (a - 1 + b)), B(a - 1) = B(a) - dir g(a - 1).
  w = wK;
  bj = bK;
  g = gK; // g(a0 + j + 1)
  for (let j = k - 1; j >= 0; j--) {
    const a = a0 + j + 1;
    g *= a / (x * (a - 1 + b));
    bj -= dir * g;
    w *= (j + 1 + shift) / lambda;
    sum += w * bj;
    const s = (j + shift) / lambda;
    if ((w * s) / (1 - s) < WEIGHT_TOL) break;
  }
  return sum;
}
