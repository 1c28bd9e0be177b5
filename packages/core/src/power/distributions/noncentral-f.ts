// Noncentral F distribution, P(F > f) for F ~ F(d1, d2, λ) with real degrees of freedom. jstat
// has none. The Poisson mixture of central beta tails,
//   P(F > f) = Σ_k e^{-λ/2} (λ/2)^k / k! · (1 - I_x(d1/2 + k, d2/2)),  x = d1 f / (d1 f + d2)
// (Johnson, Kotz & Balakrishnan, Continuous Univariate Distributions 2, ch. 30; the series of
// AS 226 / R's pnbeta), summed from the Poisson mode outward so large λ is handled; the upper
// beta tails are summed directly, so the power never comes from 1 - (nearly 1).

import { fisherUpper } from "./fisher-f.js";
import { poissonBetaMixture } from "./poisson-beta-mixture.js";

/**
 * Upper tail of the noncentral F distribution (R: pf(f, df1, df2, ncp = λ, lower.tail = FALSE));
 * absolute error ~1e-14 (R's pnbeta is accurate to its errmax, 1e-9).
 */
export function noncentralFUpper(f: number, df1: number, df2: number, ncp: number): number {
  if (Number.isNaN(f) || !(df1 > 0) || !(df2 > 0) || !(ncp >= 0)) return NaN;
  if (ncp === 0) return fisherUpper(f, df1, df2);
  if (f <= 0) return 1;
  if (f === Infinity) return 0;
  const s = df1 * f + df2;
  const value = poissonBetaMixture(1 / (1 + df2 / (df1 * f)), df2 / s, df1 / 2, df2 / 2, ncp / 2, 0, true);
  return Math.min(1, Math.max(0, value));
}
