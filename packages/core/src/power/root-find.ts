// Bracketing root finder for the power solvers: Brent's method (Brent 1973, "Algorithms for
// Minimization without Derivatives", ch. 4 — the algorithm behind R's uniroot / zeroin), run
// to a much tighter tolerance than uniroot's default, plus a solver for increasing functions
// that first grows a bracket (as uniroot's extendInt = "upX").

import { ConvergenceError } from "../errors.js";

/** Options of {@link brentRoot}. */
export interface BrentOptions {
  /** Absolute tolerance on x (default 1e-14). */
  xAbsTol?: number;
  /** Relative tolerance on x (default 4 × machine epsilon). */
  xRelTol?: number;
  /** Maximum number of iterations (default 500). */
  maxIter?: number;
  /** f(lo), if already known. */
  fLo?: number;
  /** f(hi), if already known. */
  fHi?: number;
}

/** A root of continuous f in [lo, hi] where f(lo) and f(hi) differ in sign (R: uniroot). */
export function brentRoot(f: (x: number) => number, lo: number, hi: number, options: BrentOptions = {}): number {
  const xAbsTol = options.xAbsTol ?? 1e-14;
  const xRelTol = options.xRelTol ?? 4 * Number.EPSILON;
  const maxIter = options.maxIter ?? 500;
  let a = lo;
  let b = hi;
  let fa = options.fLo ?? f(a);
  let fb = options.fHi ?? f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(fa * fb < 0)) {
    throw new ConvergenceError(`brentRoot: f(${lo}) = ${fa} and f(${hi}) = ${fb} do not bracket a root`);
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < maxIter; iter++) {
    if (Math.abs(fc) < Math.abs(fb)) {
      // Keep b the best estimate, c the other end of the bracket.
      a = b; b = c; c = a;
      fa = fb; fb = fc; fc = fa;
    }
    const tol = 2 * xRelTol * Math.abs(b) + 0.5 * xAbsTol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) < tol || Math.abs(fa) <= Math.abs(fb)) {
      d = m; e = m; // bisection
    } else {
      let p: number;
      let q: number;
      const s = fb / fa;
      if (a === c) {
        p = 2 * m * s; // secant
        q = 1 - s;
      } else {
        const qq = fa / fc; // inverse quadratic interpolation
        const r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d; d = p / q;
      } else {
        d = m; e = m;
      }
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a; fc = fa; d = b - a; e = d;
    }
  }
  throw new ConvergenceError(`brentRoot: no convergence in ${maxIter} iterations`);
}

/** Outcome of {@link solveIncreasing}. */
export type IncreasingSolution =
  | { status: "root"; x: number }
  | { status: "at-min"; fMin: number }
  | { status: "unreachable"; fMax: number };

/**
 * Solve f(x) = 0 for f increasing on [min, max], x > 0: brackets geometrically (factor 2) from
 * `guess`, then Brent. Reports "at-min" if f(min) >= 0 already and "unreachable" if f(max) < 0.
 */
export function solveIncreasing(
  f: (x: number) => number,
  guess: number,
  min: number,
  max: number,
  options: Pick<BrentOptions, "xAbsTol" | "xRelTol"> = {},
): IncreasingSolution {
  let x = Number.isFinite(guess) && guess > min ? Math.min(guess, max) : min;
  let fx = f(x);
  let lo: number;
  let fLo: number;
  let hi: number;
  let fHi: number;
  if (fx >= 0) {
    hi = x;
    fHi = fx;
    for (;;) {
      if (x <= min) return { status: "at-min", fMin: fx };
      x = Math.max(min, x / 2);
      fx = f(x);
      if (fx < 0) break;
      hi = x;
      fHi = fx;
    }
    lo = x;
    fLo = fx;
  } else {
    lo = x;
    fLo = fx;
    for (;;) {
      if (x >= max) return { status: "unreachable", fMax: fx };
      x = Math.min(max, x * 2);
      fx = f(x);
      if (fx >= 0) break;
      lo = x;
      fLo = fx;
    }
    hi = x;
    fHi = fx;
  }
  const root = brentRoot(f, lo, hi, {
    fLo,
    fHi,
    xAbsTol: options.xAbsTol ?? 0,
    xRelTol: options.xRelTol ?? 1e-14,
  });
  return { status: "root", x: root };
}
