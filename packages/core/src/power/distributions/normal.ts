// Standard normal distribution: both tails of the CDF to full double precision and the quantile.
// Φ is computed through the incomplete gamma function, erf(x) = P(1/2, x^2) (series below
// x^2 = 1.5, Legendre's continued fraction for the complement above: Numerical Recipes §6.2),
// so upper tails keep relative accuracy far out. The quantile starts from Abramowitz & Stegun
// 26.2.23 and is polished by Halley steps on that CDF.

const SQRT_PI = 1.772453850905516;
const SQRT_2PI = 2.5066282746310007;
const EPS = 3e-16;
const TINY = 1e-300;

// exp(-z^2 / 2) without the rounding error of forming z^2 for large |z| (split z = hi + lo).
function expHalfSquare(z: number): number {
  const hi = Math.trunc(z * 16) / 16;
  const lo = z - hi;
  return Math.exp((-hi * hi) / 2) * Math.exp((-lo * (z + hi)) / 2);
}

// erf and erfc of |z| / sqrt(2) for z >= 0, i.e. P(|Z| <= z) and P(|Z| > z).
function erfPair(z: number): { p: number; q: number } {
  const w = (z * z) / 2; // x of the incomplete gamma P(1/2, x)
  if (w === 0) return { p: 0, q: 1 };
  const front = expHalfSquare(z) * Math.sqrt(w); // e^{-w} w^{1/2}
  if (w < 1.5) {
    // P(a, w) by its power series, a = 1/2
    // (Numerical Recipes' gser: sum = 1/a + w/(a(a+1)) + ..., times e^{-w} w^a / Γ(a).)
    let ap = 0.5;
    let del = 1 / 0.5;
    let sum = del;
    for (let n = 1; n < 1000; n++) {
      ap += 1;
      del *= w / ap;
      sum += del;
      if (Math.abs(del) < Math.abs(sum) * EPS) break;
    }
    const p = (sum * front) / SQRT_PI; // Γ(1/2) = sqrt(pi)
    return { p, q: 1 - p };
  }
  // Q(a, w) by the continued fraction (modified Lentz), a = 1/2.
  let b = w + 0.5;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - 0.5);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  const q = (front * h) / SQRT_PI;
  return { p: 1 - q, q };
}

/** Upper tail P(Z > z) of the standard normal (R: pnorm(z, lower.tail = FALSE)). */
export function normalUpper(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const { p, q } = erfPair(Math.abs(z));
  return z >= 0 ? q / 2 : (1 + p) / 2;
}

/** Lower tail P(Z <= z) of the standard normal (R: pnorm(z)). */
export function normalLower(z: number): number {
  return normalUpper(-z);
}

/** Standard normal density (R: dnorm). */
export function normalDensity(z: number): number {
  return expHalfSquare(Math.abs(z)) / SQRT_2PI;
}

/** Upper-tail quantile: the z with P(Z > z) = p (R: qnorm(p, lower.tail = FALSE)). */
export function normalUpperQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return Infinity;
  if (p === 1) return -Infinity;
  if (p > 0.5) return -normalUpperQuantile(1 - p);
  if (p === 0.5) return 0;
  // A&S 26.2.23 (|error| < 4.5e-4), then Halley on f(z) = Q(z) - p.
  const t = Math.sqrt(-2 * Math.log(p));
  let z = t - (2.515517 + 0.802853 * t + 0.010328 * t * t) /
    (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
  for (let i = 0; i < 8; i++) {
    const e = normalUpper(z) - p;
    const u = e / normalDensity(z);
    const step = u / (1 - (z * u) / 2);
    z += step;
    if (Math.abs(step) <= 1e-15 * Math.abs(z)) break;
  }
  return z;
}

/** Lower-tail quantile (R: qnorm(p)). */
export function normalQuantile(p: number): number {
  return -normalUpperQuantile(p);
}
