// Log-gamma and log-beta functions accurate to a few ulps, also for the large arguments that
// power analysis meets (degrees of freedom up to ~1e7): the Stirling remainder is kept apart so
// that lgamma(a) - lgamma(a + b) never subtracts two huge numbers. The same decomposition as
// R's lgammafn / lgammacor / lbeta (Abramowitz & Stegun 6.1.40, 6.1.41).

const LN_SQRT_2PI = 0.9189385332046728; // log(sqrt(2 * pi))

// Bernoulli-number coefficients of the Stirling series B_2k / (2k (2k - 1)).
const STIRLING = [
  1 / 12,
  -1 / 360,
  1 / 1260,
  -1 / 1680,
  1 / 1188,
  -691 / 360360,
  1 / 156,
  -3617 / 122400,
];

/**
 * Stirling remainder lgamma(x) - ((x - 1/2) log x - x + log sqrt(2 pi)) for x >= 10
 * (R's lgammacor); below 10 it is computed from lgamma directly.
 */
export function lgammaCorrection(x: number): number {
  if (x < 10) return logGamma(x) - ((x - 0.5) * Math.log(x) - x + LN_SQRT_2PI);
  const r = 1 / (x * x);
  let sum = 0;
  let pow = 1 / x;
  for (const c of STIRLING) {
    const term = c * pow;
    sum += term;
    if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    pow *= r;
  }
  return sum;
}

/** log Γ(x) for x > 0 (R: lgamma). Stirling for x >= 10, upward recurrence below. */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x >= 10) return (x - 0.5) * Math.log(x) - x + LN_SQRT_2PI + lgammaCorrection(x);
  // Γ(x) = Γ(x + m) / (x (x + 1) ... (x + m - 1)) with x + m >= 10.
  let prod = 1;
  let y = x;
  while (y < 10) {
    prod *= y;
    y += 1;
  }
  return logGamma(y) - Math.log(prod);
}

/** log B(a, b) for a, b > 0 (R: lbeta), without cancellation when one argument is large. */
export function logBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = lgammaCorrection(p) + lgammaCorrection(q) - lgammaCorrection(p + q);
    return (
      -0.5 * Math.log(q) + LN_SQRT_2PI + corr +
      (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q))
    );
  }
  if (q >= 10) {
    const corr = lgammaCorrection(q) - lgammaCorrection(p + q);
    return logGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return logGamma(p) + logGamma(q) - logGamma(p + q);
}
