// Central F distribution for real degrees of freedom: upper tail through the incomplete beta
// function, P(F > f) = 1 - I_x(d1/2, d2/2) with x = d1 f / (d1 f + d2), and the upper-tail
// quantile (the critical value of an F test) by Brent's method on log f.

import { brentRoot } from "../root-find.js";
import { incompleteBeta } from "../special/incomplete-beta.js";

/** P(F > f) for F ~ F(d1, d2) (R: pf(f, d1, d2, lower.tail = FALSE)). */
export function fisherUpper(f: number, df1: number, df2: number): number {
  if (Number.isNaN(f) || !(df1 > 0) || !(df2 > 0)) return NaN;
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  const s = df1 * f + df2; // x = d1 f / s written so that f -> Infinity gives x = 1, not NaN
  return incompleteBeta(1 / (1 + df2 / (df1 * f)), df1 / 2, df2 / 2, df2 / s).upper;
}

/** The f with P(F > f) = p for F ~ F(d1, d2) (R: qf(p, d1, d2, lower.tail = FALSE)). */
export function fisherUpperQuantile(p: number, df1: number, df2: number): number {
  if (!(p >= 0 && p <= 1) || !(df1 > 0) || !(df2 > 0)) return NaN;
  if (p === 0) return Infinity;
  if (p === 1) return 0;
  const g = (u: number) => fisherUpper(Math.exp(u), df1, df2) - p; // decreasing in u = log f
  let lo = 0;
  let gLo = g(lo);
  let hi = 0;
  let gHi = gLo;
  if (gLo > 0) {
    do {
      lo = hi;
      gLo = gHi;
      hi += 2;
      if (hi > 709) return Infinity;
      gHi = g(hi);
    } while (gHi > 0);
  } else {
    do {
      hi = lo;
      gHi = gLo;
      lo -= 2;
      if (lo < -709) return 0;
      gLo = g(lo);
    } while (gLo < 0);
  }
  return Math.exp(brentRoot(g, lo, hi, { fLo: gLo, fHi: gHi, xAbsTol: 1e-15, xRelTol: Number.EPSILON }));
}
