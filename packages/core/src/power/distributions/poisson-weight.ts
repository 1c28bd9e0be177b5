// Poisson mixing weights e^{-λ} λ^x / Γ(x + 1) for real x >= 0, as needed by the series for the
// noncentral t and F distributions. Computed with Loader's saddle-point form ("Fast and accurate
// computation of binomial probabilities", 2000; R's dpois_raw) so the weights near the mode of
// a large λ keep full relative accuracy instead of losing digits to x log λ - lgamma(x + 1).

import { lgammaCorrection } from "../special/log-gamma.js";

const TWO_PI = 6.283185307179586;

/** Deviance term x log(x / np) + np - x, accurate when x ≈ np (Loader's bd0). */
export function bd0(x: number, np: number): number {
  if (Math.abs(x - np) < 0.1 * (x + np)) {
    let v = (x - np) / (x + np);
    let s = (x - np) * v;
    let ej = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      ej *= v;
      const s1 = s + ej / (2 * j + 1);
      if (s1 === s) return s1;
      s = s1;
    }
    return s;
  }
  return x * Math.log(x / np) + np - x;
}

/** e^{-λ} λ^x / Γ(x + 1) for real x >= 0 and λ >= 0 (R: dpois_raw, also at non-integer x). */
export function poissonWeight(x: number, lambda: number): number {
  if (lambda === 0) return x === 0 ? 1 : 0;
  if (x === 0) return Math.exp(-lambda);
  return Math.exp(-lgammaCorrection(x) - bd0(x, lambda)) / Math.sqrt(TWO_PI * x);
}
