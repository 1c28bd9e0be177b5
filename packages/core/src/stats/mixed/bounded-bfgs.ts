// Quasi-Newton minimisation under lower bounds: a BFGS approximation B of the Hessian
// (Nocedal & Wright 2006, Numerical Optimization, eq. 6.19), started from a supplied Hessian,
// with the active-set Newton step of Bertsekas (1982, SIAM J. Control Optim. 20: 221-246):
// coordinates at their bound whose gradient pushes outwards are held there, the step on the
// others solves B_FF s = -g_F; a fraction-to-the-boundary rule (Nocedal & Wright §19.2) keeps
// steps from crossing bounds, and an Armijo backtracking search follows. mvx uses it for θ of a mixed model refitted on resampled groups,
// started at the full-data θ with the full-data Hessian, which such refits share closely; it
// reports failure when a line search stalls or the iterations run out, so the caller can fall
// back to the bounded simplex.

import { backwardSolveTransposed, choleskyInPlace, forwardSolve } from "../matrix/dense-cholesky.js";

export interface BoundedBfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

/**
 * Minimises f from x0 (projected onto the bounds) given f-and-gradient `fg` (writes the
 * gradient, returns f) and an initial Hessian h0 (d x d row-major, positive definite).
 * Converged when a full Newton step moves every coordinate by less than xtol relative to
 * max(1, |x|); with maxIterations 50 a bound optimum is reached once the halving steps bring a
 * coordinate within `snap` of it.
 */
export function boundedBfgs(
  fg: (x: Float64Array, grad: Float64Array) => number,
  x0: ArrayLike<number>,
  h0: Float64Array,
  lower: ArrayLike<number>,
  options: { readonly maxIterations?: number; readonly xtol?: number; readonly snap?: number } = {},
): BoundedBfgsResult {
  const d = x0.length;
  const maxIterations = options.maxIterations ?? 50;
  const xtol = options.xtol ?? 1e-9;
  const snap = options.snap ?? 1e-6;
  let evaluations = 0;
  let x = Float64Array.from(x0, (v, i) => Math.max(v, lower[i]!));
  let g = new Float64Array(d);
  let f = fg(x, g);
  evaluations++;
  const fail = () => ({ x, f, evaluations, converged: false });
  if (!Number.isFinite(f)) return fail();
  const B = Float64Array.from(h0);
  const s = new Float64Array(d);
  const y = new Float64Array(d);
  const bs = new Float64Array(d);
  let xn = new Float64Array(d);
  let gn = new Float64Array(d);
  for (let it = 0; it < maxIterations; it++) {
    // Free coordinates: off their bound, or on it with the gradient pointing inwards.
    const free: number[] = [];
    for (let i = 0; i < d; i++) if (x[i]! > lower[i]! || g[i]! < 0) free.push(i);
    s.fill(0);
    const m = free.length;
    if (m > 0) {
      const bf = new Float64Array(m * m);
      const rhs = new Float64Array(m);
      for (let a = 0; a < m; a++) {
        rhs[a] = -g[free[a]!]!;
        for (let b = 0; b < m; b++) bf[a * m + b] = B[free[a]! * d + free[b]!]!;
      }
      if (!choleskyInPlace(bf, m)) return fail();
      forwardSolve(bf, m, rhs, 1);
      backwardSolveTransposed(bf, m, rhs, 1);
      for (let a = 0; a < m; a++) s[free[a]!] = rhs[a]!;
    }
    // Fraction to the boundary: a step goes at most halfway to a bound it heads for, except that
    // a coordinate already within `snap` of its bound may land on it. Iterates so approach a
    // bound gradually and never leap across the region into another basin.
    let t0 = 1;
    for (let i = 0; i < d; i++) {
      const room = x[i]! - lower[i]!;
      if (s[i]! < 0 && room > snap * Math.max(1, Math.abs(x[i]!))) t0 = Math.min(t0, (0.5 * room) / -s[i]!);
    }
    let t = t0;
    let fn = Infinity;
    let moved = 0;
    for (let back = 0; ; back++) {
      if (back > 40) return fail();
      let decrease = 0;
      moved = 0;
      for (let i = 0; i < d; i++) {
        xn[i] = Math.max(lower[i]!, x[i]! + t * s[i]!);
        decrease += g[i]! * (xn[i]! - x[i]!);
        moved = Math.max(moved, Math.abs(xn[i]! - x[i]!) / Math.max(1, Math.abs(x[i]!)));
      }
      if (moved === 0) return { x, f, evaluations, converged: t === t0 };
      fn = fg(xn, gn);
      evaluations++;
      if (Number.isFinite(fn)) {
        if (fn <= f + 1e-4 * decrease) break;
        // Within rounding of f near the optimum a full step is still accepted.
        if (t === t0 && fn <= f + 1e-12 * (Math.abs(f) + 1)) break;
      }
      t /= 2;
    }
    let sy = 0;
    let sbs = 0;
    for (let i = 0; i < d; i++) {
      s[i] = xn[i]! - x[i]!;
      y[i] = gn[i]! - g[i]!;
      sy += s[i]! * y[i]!;
    }
    [x, xn] = [xn, x];
    [g, gn] = [gn, g];
    f = fn;
    if (t === 1 && moved < xtol) return { x, f, evaluations, converged: true };
    for (let i = 0; i < d; i++) {
      let v = 0;
      for (let j = 0; j < d; j++) v += B[i * d + j]! * s[j]!;
      bs[i] = v;
      sbs += s[i]! * v;
    }
    // B ← B − B s s'B / s'Bs + y y' / y's, skipped unless the curvature condition holds.
    if (sy > 0 && sbs > 0) {
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) B[i * d + j]! += (y[i]! * y[j]!) / sy - (bs[i]! * bs[j]!) / sbs;
    }
  }
  return fail();
}
