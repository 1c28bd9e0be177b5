// Regularised incomplete beta function I_x(a, b) with both tails returned, so a caller that
// needs an upper tail never forms 1 - (something close to 1). Continued fraction (the form in
// Numerical Recipes §6.4, evaluated by the modified Lentz method) in x or in 1 - x, chosen for
// convergence and conditioning (see incompleteBeta); the prefactor x^a y^b / (a B(a, b)) is built from
// log1p and a cancellation-free log-beta so large a, b (degrees of freedom ~1e6) keep accuracy.

import { ConvergenceError } from "../../errors.js";
import { lgammaCorrection, logBeta } from "./log-gamma.js";

const TINY = 1e-300;
const EPS = 3e-16;
const MAX_ITER = 100_000;
const SERIES_LIMIT = 2000; // longest positive series allowed, in units of x (a + b)

/** Both tails of the regularised incomplete beta function. */
export interface BetaTails {
  /** I_x(a, b) = P(X <= x) for X ~ Beta(a, b). */
  lower: number;
  /** 1 - I_x(a, b), computed directly. */
  upper: number;
}

const LN_SQRT_2PI = 0.9189385332046728;

// log1p(t) - t without cancellation for small |t| (TOMS 708's rlog1): with r = t / (2 + t),
// log1p(t) = 2 atanh(r) and t = 2r / (1 - r).
function log1pMinus(t: number): number {
  if (Math.abs(t) > 0.25) return Math.log1p(t) - t;
  const r = t / (2 + t);
  const r2 = r * r;
  let term = r * r2;
  let sum = 0;
  for (let k = 3; k < 200; k += 2) {
    const add = term / k;
    sum += add;
    if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    term *= r2;
  }
  return (-2 * r2) / (1 - r) + 2 * sum;
}

/**
 * log of x^a y^b / B(a, b), with y = 1 - x supplied separately for accuracy. For a, b >= 10 it
 * is written around the mode, a log1p(λ/a) + b log1p(-λ/b) with λ = b x - a y, plus the Stirling
 * terms (TOMS 708's brcomp), so a, b ~ 1e6 do not leave an absolute error of ~(a + b) ε.
 */
export function logBetaKernel(x: number, y: number, a: number, b: number): number {
  if (a >= 10 && b >= 10) {
    const lambda = b * x - a * y;
    const corr = lgammaCorrection(a) + lgammaCorrection(b) - lgammaCorrection(a + b);
    return (
      a * log1pMinus(lambda / a) + b * log1pMinus(-lambda / b) +
      0.5 * Math.log((a / (a + b)) * b) - LN_SQRT_2PI - corr
    );
  }
  const logX = x < 0.5 ? Math.log(x) : Math.log1p(-y);
  const logY = y < 0.5 ? Math.log(y) : Math.log1p(-x);
  return a * logX + b * logY - logBeta(a, b);
}

// Continued fraction for I_x(a, b) * a B(a, b) / (x^a y^b); converges fast for x < (a+1)/(a+b+2).
// Its first denominator 1 - (a+b)x/(a+1) is written (1 - b + (a+b)y)/(a+1): near x = 1 with a
// large (the t distribution at ν ~ 1e6) the direct form cancels away ~5 digits.
function betaContinuedFraction(x: number, y: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = x < 0.5 ? 1 - (qab * x) / qap : (1 - b + qab * y) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) return h;
  }
  throw new ConvergenceError(`incomplete beta continued fraction did not converge (a=${a}, b=${b}, x=${x})`);
}

// I_x(a, b) = x^a y^b / (a B(a, b)) Σ_n Π_{i<n} x (a + b + i) / (a + 1 + i): the hypergeometric
// series 2F1(a + b, 1; a + 1; x) (Abramowitz & Stegun 26.5.4 rearranged), all terms positive.
function betaSeries(x: number, y: number, a: number, b: number): number {
  let term = 1;
  let sum = 1;
  const peak = (x * (a + b) - a - 1) / (1 - x);
  for (let n = 0; n < MAX_ITER; n++) {
    term *= (x * (a + b + n)) / (a + 1 + n);
    sum += term;
    if (n > peak && term < EPS * 0.25 * sum) break;
  }
  return (Math.exp(logBetaKernel(x, y, a, b)) * sum) / a;
}

/**
 * Regularised incomplete beta I_x(a, b) and its complement (R: pbeta(x, a, b) and
 * pbeta(x, a, b, lower.tail = FALSE)); `y` must equal 1 - x and is passed separately so that
 * values of x near 1 keep their precision.
 */
export function incompleteBeta(x: number, a: number, b: number, y: number = 1 - x): BetaTails {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`incompleteBeta needs a, b > 0 (a=${a}, b=${b})`);
  if (x <= 0) return { lower: 0, upper: 1 };
  if (y <= 0) return { lower: 1, upper: 0 };
  // Numerical Recipes' rule: the fraction in x for x < (a+1)/(a+b+2), else the one in y; it gives
  // the tail on its own side with small relative error, the other by subtraction.
  const inX = x < (a + 1) / (a + b + 2);
  const tail = inX
    ? (Math.exp(logBetaKernel(x, y, a, b)) * betaContinuedFraction(x, y, a, b)) / a
    : (Math.exp(logBetaKernel(y, x, b, a)) * betaContinuedFraction(y, x, b, a)) / b;
  // When the fraction's variable is near 1 (the other, v, small) it is ill-conditioned: absolute
  // error ~ tail × ε / v, 1e-11 for the t distribution at ν ~ 1e7. If that exceeds the ~ε error of
  // the positive-term series for the opposite tail (short when v (a + b) is moderate), use that.
  const v = inX ? y : x;
  if (v < 0.1 && tail > 10 * v && v * (a + b) < SERIES_LIMIT) {
    if (inX) {
      const upper = betaSeries(y, x, b, a);
      return { lower: 1 - upper, upper };
    }
    const lower = betaSeries(x, y, a, b);
    return { lower, upper: 1 - lower };
  }
  return inX ? { lower: tail, upper: 1 - tail } : { lower: 1 - tail, upper: tail };
}
