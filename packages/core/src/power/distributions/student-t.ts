// Central Student t distribution for real (non-integer) degrees of freedom: upper tail through
// the incomplete beta function, P(T > t) = I_{ν/(ν+t²)}(ν/2, 1/2) / 2 for t >= 0, and the
// upper-tail quantile by Brent's method started from the Cornish–Fisher expansion
// (Abramowitz & Stegun 26.7.5). Used for the critical values of power.t.test.

import { brentRoot } from "../root-find.js";
import { incompleteBeta } from "../special/incomplete-beta.js";
import { logBeta } from "../special/log-gamma.js";
import { normalUpper, normalUpperQuantile } from "./normal.js";

/** P(T > t) for T ~ t(ν), ν > 0 real (R: pt(t, df, lower.tail = FALSE)). */
export function studentUpper(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN;
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  if (df === Infinity) return normalUpper(t);
  const t2 = t * t; // may overflow to Infinity: keep both beta arguments finite
  const ib = incompleteBeta(df / (df + t2), df / 2, 0.5, 1 / (1 + df / t2));
  return t >= 0 ? ib.lower / 2 : (1 + ib.upper) / 2;
}

/** Density of t(ν) (R: dt). */
export function studentDensity(t: number, df: number): number {
  return Math.exp(-logBeta(df / 2, 0.5) - 0.5 * Math.log(df) - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** The t with P(T > t) = p for T ~ t(ν) (R: qt(p, df, lower.tail = FALSE)). */
export function studentUpperQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0) return Infinity;
  if (p === 1) return -Infinity;
  if (p > 0.5) return -studentUpperQuantile(1 - p, df);
  if (p === 0.5) return 0;
  if (df === Infinity) return normalUpperQuantile(p);
  const f = (t: number) => studentUpper(t, df) - p; // decreasing in t
  const z = normalUpperQuantile(p);
  let guess = z;
  if (df >= 3) {
    const z2 = z * z;
    const g1 = (z2 + 1) * z / 4;
    const g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
    const g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
    guess = z + g1 / df + g2 / (df * df) + g3 / (df * df * df);
  }
  // Bracket [lo, hi] with f(lo) > 0 > f(hi) around the guess.
  let lo = Math.max(0, guess * 0.98);
  let fLo = f(lo);
  while (fLo < 0) {
    lo /= 2;
    fLo = f(lo);
  }
  let hi = Math.max(guess * 1.02, lo + 1e-3);
  let fHi = f(hi);
  while (fHi > 0) {
    lo = hi;
    fLo = fHi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Infinity;
    fHi = f(hi);
  }
  return brentRoot(f, lo, hi, { fLo, fHi, xAbsTol: 0, xRelTol: 2 * Number.EPSILON });
}
