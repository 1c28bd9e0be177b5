// Derivative-free minimisation under box constraints: the Nelder–Mead simplex method (Nelder &
// Mead 1965; Lagarias et al. 1998 coefficients 1, 2, 1/2, 1/2) with every trial point projected
// onto the bounds, and restarts from the best point until a restart no longer improves (guards
// against the simplex collapsing early). Plays the role of lme4's bounded Nelder_Mead / BOBYQA
// for θ (diagonal entries of Λ >= 0).

import { ConvergenceError } from "../../errors.js";

export interface NelderMeadOptions {
  readonly lower?: ArrayLike<number>;
  readonly upper?: ArrayLike<number>;
  /** Initial step per coordinate (default 0.1, or 10% of |x0| when larger). */
  readonly step?: number;
  /** Stop when the simplex's f values are within ftolRel * (|f| + ftolAbs). */
  readonly ftolRel?: number;
  readonly ftolAbs?: number;
  /** Stop when the simplex's extent is below xtol in every coordinate. */
  readonly xtol?: number;
  readonly maxEvaluations?: number;
  readonly maxRestarts?: number;
}

export interface NelderMeadResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly evaluations: number;
  readonly restarts: number;
  readonly converged: boolean;
}

/** Minimises f from x0 within [lower, upper] by a restarted, bound-projected Nelder–Mead simplex. */
export function boundedNelderMead(f: (x: Float64Array) => number, x0: ArrayLike<number>, options: NelderMeadOptions = {}): NelderMeadResult {
  const d = x0.length;
  const lower = options.lower ?? new Float64Array(d).fill(-Infinity);
  const upper = options.upper ?? new Float64Array(d).fill(Infinity);
  const ftolRel = options.ftolRel ?? 1e-14;
  const ftolAbs = options.ftolAbs ?? 1e-10;
  const xtol = options.xtol ?? 1e-10;
  const maxEval = options.maxEvaluations ?? 20000;
  const maxRestarts = options.maxRestarts ?? 6;
  let evaluations = 0;
  const project = (x: Float64Array): Float64Array => {
    for (let i = 0; i < d; i++) x[i] = Math.min(upper[i]!, Math.max(lower[i]!, x[i]!));
    return x;
  };
  const evalF = (x: Float64Array): number => {
    evaluations++;
    const v = f(x);
    return Number.isNaN(v) ? Infinity : v;
  };
  if (d === 0) return { x: new Float64Array(0), f: evalF(new Float64Array(0)), evaluations, restarts: 0, converged: true };

  let best = project(Float64Array.from(x0));
  let fBest = evalF(best);
  if (!Number.isFinite(fBest)) throw new ConvergenceError("Nelder-Mead: the objective is not finite at the starting point");
  let restarts = 0;
  let converged = false;
  for (;;) {
    // Initial simplex around `best`, stepping inward when a bound is in the way.
    const pts: Float64Array[] = [best];
    const fs: number[] = [fBest];
    for (let i = 0; i < d; i++) {
      const x = Float64Array.from(best);
      const h = Math.max(options.step ?? 0.1, 0.1 * Math.abs(x[i]!)) / (restarts + 1);
      x[i] = x[i]! + h <= upper[i]! ? x[i]! + h : x[i]! - h;
      project(x);
      pts.push(x);
      fs.push(evalF(x));
    }
    let localConverged = false;
    while (evaluations < maxEval) {
      const order = fs.map((_, i) => i).sort((a, b) => fs[a]! - fs[b]!);
      const P = order.map((i) => pts[i]!);
      const F = order.map((i) => fs[i]!);
      pts.splice(0, pts.length, ...P);
      fs.splice(0, fs.length, ...F);
      const fLo = fs[0]!;
      const fHi = fs[d]!;
      let extent = 0;
      for (let j = 1; j <= d; j++) for (let i = 0; i < d; i++) extent = Math.max(extent, Math.abs(pts[j]![i]! - pts[0]![i]!));
      if (fHi - fLo <= ftolRel * (Math.abs(fLo) + ftolAbs) || extent <= xtol) {
        localConverged = true;
        break;
      }
      const centroid = new Float64Array(d);
      for (let j = 0; j < d; j++) for (let i = 0; i < d; i++) centroid[i]! += pts[j]![i]! / d;
      const worst = pts[d]!;
      const along = (t: number) => project(Float64Array.from(centroid, (c, i) => c + t * (c - worst[i]!)));
      const xr = along(1);
      const fr = evalF(xr);
      if (fr < fs[0]!) {
        const xe = along(2);
        const fe = evalF(xe);
        if (fe < fr) {
          pts[d] = xe;
          fs[d] = fe;
        } else {
          pts[d] = xr;
          fs[d] = fr;
        }
        continue;
      }
      if (fr < fs[d - 1]!) {
        pts[d] = xr;
        fs[d] = fr;
        continue;
      }
      const outside = fr < fHi;
      const xc = along(outside ? 0.5 : -0.5);
      const fc = evalF(xc);
      if (fc < (outside ? fr : fHi)) {
        pts[d] = xc;
        fs[d] = fc;
        continue;
      }
      // Shrink towards the best point.
      for (let j = 1; j <= d; j++) {
        const x = project(Float64Array.from(pts[j]!, (v, i) => pts[0]![i]! + 0.5 * (v - pts[0]![i]!)));
        pts[j] = x;
        fs[j] = evalF(x);
      }
    }
    let iBest = 0;
    for (let j = 1; j <= d; j++) if (fs[j]! < fs[iBest]!) iBest = j;
    const improved = fBest - fs[iBest]!;
    const gain = improved > ftolRel * (Math.abs(fBest) + ftolAbs) * 10;
    if (fs[iBest]! <= fBest) {
      best = pts[iBest]!;
      fBest = fs[iBest]!;
    }
    if (evaluations >= maxEval) break;
    if (localConverged && (!gain || restarts >= maxRestarts)) {
      converged = true;
      break;
    }
    restarts++;
  }
  return { x: best, f: fBest, evaluations, restarts, converged };
}
