// Random variates the posterior samplers need, from a seeded uniform source: Gamma
// (Marsaglia & Tsang 2000), Beta (ratio of Gammas) and Student-t (Normal over root chi-square).

import { normalDraw } from "../random/rng.js";
import type { Rng } from "../random/rng.js";

/**
 * A Gamma(shape, 1) draw. Reference: G. Marsaglia and W. W. Tsang (2000), "A simple method for
 * generating gamma variables", ACM TOMS 26(3); for shape < 1 the boost
 * Gamma(shape) = Gamma(shape + 1) * U^(1/shape) (same paper, section 6).
 */
export function gammaDraw(rng: Rng, shape: number): number {
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rng();
    return gammaDraw(rng, shape + 1) * Math.pow(u, 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normalDraw(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng();
    if (u < 1 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0 && Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** A Beta(alpha, beta) draw as X / (X + Y) with X ~ Gamma(alpha), Y ~ Gamma(beta) (Devroye 1986, IX.4). */
export function betaDraw(rng: Rng, alpha: number, beta: number): number {
  const x = gammaDraw(rng, alpha);
  const y = gammaDraw(rng, beta);
  return x / (x + y);
}

/** A Student-t draw with `dof` degrees of freedom: Z / sqrt(chi2_dof / dof) (Devroye 1986, IX.5). */
export function studentTDraw(rng: Rng, dof: number): number {
  const z = normalDraw(rng);
  const chi2 = 2 * gammaDraw(rng, dof / 2);
  return z / Math.sqrt(chi2 / dof);
}
