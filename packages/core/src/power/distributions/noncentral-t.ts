// Noncentral t distribution, P(T > t) for T ~ t(ν, δ), real ν > 0. This is the series of
// Lenth (1989, AS 243, the algorithm behind R's pt(..., ncp)),
//   P(T <= t) = Φ(-δ) + 1/2 Σ_j [P_j I_x(j + 1/2, ν/2) + Q_j I_x(j + 1, ν/2)],  t >= 0,
// x = t²/(t² + ν), P_j = e^{-λ} λ^j / j!, Q_j = sign(δ) e^{-λ} λ^{j+1/2} / Γ(j + 3/2), λ = δ²/2,
// but summed outward from the Poisson mode j = ⌊λ⌋ with forward and backward recurrences for
// the incomplete beta terms (Benton & Krishnamoorthy 2003, CSDA 43:249–267), so it neither
// underflows at the start (AS 243 starts at j = 0 with e^{-λ}, which is 0 in double precision
// beyond δ ≈ 38.6; R switches to a normal approximation there) nor stops before the bulk of the
// weights. Since Σ P_j + Σ Q_j = 2Φ(δ), the upper tail is the same series with the complementary
// incomplete beta values, so no 1 - (nearly 1) is ever formed.
//
// Why not jStat.noncentralt.cdf (jstat 1.9.6): it runs AS 243 from j = 0 and stops once j >= 200
// and two successive terms are < 1e-14, so beyond δ ≈ 26 (Poisson mass negligible before j = 200,
// mode at δ²/2) it stops before the bulk of the weights, and past δ ≈ 38.6 its first weight
// e^{-δ²/2} underflows to 0; its beta CDF takes the prefactor from differences of gammaln —
// Numerical Recipes' 6-term Lanczos, relative error ~2e-10 — at arguments ~ν/2 and from
// log(1 - x), so at ν ~ 1e6 it is far from 1e-10. (jstat is not installed in this workspace
// anyway.) Checked against R and mpmath in test/power/.

import { normalLower, normalUpper } from "./normal.js";
import { poissonBetaMixture } from "./poisson-beta-mixture.js";
import { studentUpper } from "./student-t.js";

// Σ_j [P_j B(j + 1/2) + Q_j B(j + 1)] with B the lower or upper incomplete beta at b = ν/2.
function mixtureSum(x: number, y: number, b: number, delta: number, upper: boolean): number {
  const lambda = (delta * delta) / 2;
  const sign = delta < 0 ? -1 : 1;
  return (
    poissonBetaMixture(x, y, 0.5, b, lambda, 0, upper) +
    sign * poissonBetaMixture(x, y, 1, b, lambda, 0.5, upper)
  );
}

/** P(T <= t) for t >= 0 by AS 243's series. */
function lowerNonNegative(t: number, df: number, delta: number): number {
  if (t === 0) return normalUpper(delta); // P(T <= 0) = Φ(-δ)
  const t2 = t * t;
  return normalUpper(delta) + 0.5 * mixtureSum(1 / (1 + df / t2), df / (t2 + df), df / 2, delta, false);
}

/** P(T > t) for t >= 0, summed directly from the complementary beta values. */
function upperNonNegative(t: number, df: number, delta: number): number {
  if (t === 0) return normalLower(delta);
  const t2 = t * t;
  return 0.5 * mixtureSum(1 / (1 + df / t2), df / (t2 + df), df / 2, delta, true);
}

/**
 * Upper tail P(T > t) of the noncentral t distribution with ν > 0 (real) degrees of freedom and
 * noncentrality δ (R: pt(t, df, ncp = δ, lower.tail = FALSE)); absolute error ~1e-15.
 */
export function noncentralTUpper(t: number, df: number, delta: number): number {
  if (Number.isNaN(t) || !(df > 0) || Number.isNaN(delta)) return NaN;
  if (delta === 0) return studentUpper(t, df);
  if (t === Infinity) return 0;
  if (t === -Infinity) return 1;
  // For t < 0: P(T > t; δ) = P(-T < -t) = P(T' <= -t; -δ).
  const value = t >= 0 ? upperNonNegative(t, df, delta) : lowerNonNegative(-t, df, -delta);
  return Math.min(1, Math.max(0, value));
}

/** Lower tail P(T <= t) of the noncentral t distribution (R: pt(t, df, ncp = δ)). */
export function noncentralTLower(t: number, df: number, delta: number): number {
  if (Number.isNaN(t) || !(df > 0) || Number.isNaN(delta)) return NaN;
  if (delta === 0) return 1 - studentUpper(t, df);
  if (t === Infinity) return 1;
  if (t === -Infinity) return 0;
  const value = t >= 0 ? lowerNonNegative(t, df, delta) : upperNonNegative(-t, df, -delta);
  return Math.min(1, Math.max(0, value));
}
