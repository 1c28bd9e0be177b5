// Bound-constrained quasi-Newton minimisation in the spirit of L-BFGS-B (Byrd, Lu, Nocedal & Zhu
// 1995): an L-BFGS direction (Nocedal & Wright 2006, Alg. 7.4, two-loop recursion) restricted to
// the variables that are not held at a bound, a projected backtracking (Armijo, quadratic interpolation) line search along
// the projection path (Bertsekas 1982, "Projected Newton methods"), and curvature-pair skipping.
// Used to fit GP hyperparameters (in log space) and to refine acquisition maxima (in the unit cube).

/** A function value and its gradient. */
export interface ValueAndGradient {
  readonly f: number;
  readonly g: readonly number[];
}

/**
 * A function value whose gradient is computed only on request (for objectives where the gradient
 * costs more than the value): the line search asks for it only at points that pass the
 * sufficient-decrease test. `gradient` is called, if at all, before the next evaluation.
 */
export interface ValueAndLazyGradient {
  readonly f: number;
  readonly gradient: () => readonly number[];
}

/** What an objective returns. */
export type Evaluation = ValueAndGradient | ValueAndLazyGradient;

export interface BoundedMinimizeOptions {
  readonly lower: readonly number[];
  readonly upper: readonly number[];
  /** Maximum quasi-Newton iterations (default 200). */
  readonly maxIterations?: number;
  /** Number of stored curvature pairs (default 10). */
  readonly memory?: number;
  /** Stop when the largest projected-gradient component is below this (default 1e-8). */
  readonly pgtol?: number;
  /** Stop when the relative decrease of f is below this (default 1e-12). */
  readonly ftol?: number;
}

export interface BoundedMinimizeResult {
  readonly x: number[];
  readonly f: number;
  readonly g: number[];
  readonly iterations: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

function project(x: readonly number[], lo: readonly number[], hi: readonly number[]): number[] {
  return x.map((v, i) => Math.min(hi[i] as number, Math.max(lo[i] as number, v)));
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Minimises f over the box [lower, upper] from x0 with a projected L-BFGS method (Byrd et al.
 * 1995; Nocedal & Wright 2006, Alg. 7.4). A non-finite f is treated as +Infinity (the line search
 * backs off), so an objective may return NaN where it is undefined. Deterministic.
 */
export function minimizeBounded(
  fg: (x: number[]) => Evaluation,
  x0: readonly number[],
  options: BoundedMinimizeOptions,
): BoundedMinimizeResult {
  const lo = options.lower;
  const hi = options.upper;
  const n = x0.length;
  const maxIter = options.maxIterations ?? 200;
  const m = options.memory ?? 10;
  const pgtol = options.pgtol ?? 1e-8;
  const ftol = options.ftol ?? 1e-12;
  let evaluations = 0;
  const evaluate: Evaluate = (x) => {
    evaluations++;
    const r = fg(x);
    const f = Number.isFinite(r.f) ? r.f : Infinity;
    let g: number[] | null = null;
    return {
      f,
      grad: () => {
        if (!g) g = "g" in r ? [...r.g] : [...r.gradient()];
        return g;
      },
    };
  };
  let x = project(x0, lo, hi);
  const first = evaluate(x);
  let f = first.f;
  let g = f === Infinity ? x.map(() => 0) : first.grad();
  if (f === Infinity || !g.every(Number.isFinite)) return { x, f: Infinity, g, iterations: 0, evaluations, converged: false };
  const S: number[][] = [];
  const Y: number[][] = [];
  let iterations = 0;
  let converged = false;
  for (; iterations < maxIter; iterations++) {
    // variables held at a bound by the gradient are fixed for this iteration
    const free = x.map((v, i) => {
      if ((lo[i] as number) >= (hi[i] as number)) return false;
      if (v <= (lo[i] as number) && (g[i] as number) > 0) return false;
      if (v >= (hi[i] as number) && (g[i] as number) < 0) return false;
      return true;
    });
    const q = g.map((v, i) => (free[i] ? v : 0));
    let pgmax = 0;
    for (const v of q) pgmax = Math.max(pgmax, Math.abs(v));
    if (pgmax <= pgtol) {
      converged = true;
      break;
    }
    // two-loop recursion on the free subspace
    const k = S.length;
    const alphas = new Array<number>(k);
    const r = [...q];
    for (let j = k - 1; j >= 0; j--) {
      const s = (S[j] as number[]).map((v, i) => (free[i] ? v : 0));
      const yv = (Y[j] as number[]).map((v, i) => (free[i] ? v : 0));
      const sy = dot(s, yv);
      if (!(sy > 0)) {
        alphas[j] = 0;
        continue;
      }
      const a = dot(s, r) / sy;
      alphas[j] = a;
      for (let i = 0; i < n; i++) r[i] = (r[i] as number) - a * (yv[i] as number);
    }
    if (k > 0) {
      const s = (S[k - 1] as number[]).map((v, i) => (free[i] ? v : 0));
      const yv = (Y[k - 1] as number[]).map((v, i) => (free[i] ? v : 0));
      const yy = dot(yv, yv);
      const gamma = yy > 0 ? dot(s, yv) / yy : 1;
      if (gamma > 0) for (let i = 0; i < n; i++) r[i] = (r[i] as number) * gamma;
    }
    for (let j = 0; j < k; j++) {
      const s = (S[j] as number[]).map((v, i) => (free[i] ? v : 0));
      const yv = (Y[j] as number[]).map((v, i) => (free[i] ? v : 0));
      const sy = dot(s, yv);
      if (!(sy > 0)) continue;
      const b = dot(yv, r) / sy;
      for (let i = 0; i < n; i++) r[i] = (r[i] as number) + ((alphas[j] as number) - b) * (s[i] as number);
    }
    let d = r.map((v, i) => (free[i] ? -v : 0));
    if (!(dot(d, q) < 0)) {
      S.length = 0;
      Y.length = 0;
      d = q.map((v) => -v);
    }
    // first step (no curvature yet) moves at most 1 unit in any coordinate
    const t0 = S.length === 0 ? Math.min(1, 1 / Math.max(...d.map(Math.abs))) : 1;
    // the largest step that stays inside the box along d
    let tmax = Infinity;
    for (let i = 0; i < n; i++) {
      const di = d[i] as number;
      if (di > 0) tmax = Math.min(tmax, ((hi[i] as number) - (x[i] as number)) / di);
      else if (di < 0) tmax = Math.min(tmax, ((lo[i] as number) - (x[i] as number)) / di);
    }
    // a direction that leaves the box at once is searched along the projection path instead
    const accepted =
      tmax > 1e-10 * t0 ? wolfeSearch(evaluate, x, f, g, d, Math.min(t0, tmax), tmax, lo, hi) : projectedBacktracking(evaluate, x, f, g, d, t0, lo, hi);
    if (!accepted) {
      if (S.length > 0) {
        S.length = 0;
        Y.length = 0;
        continue;
      }
      converged = true; // no descent possible along the projected gradient: a stationary point to working precision
      break;
    }
    const s = accepted.x.map((v, i) => v - (x[i] as number));
    const yv = accepted.g.map((v, i) => v - (g[i] as number));
    if (dot(s, yv) > 1e-10 * dot(yv, yv)) {
      S.push(s);
      Y.push(yv);
      if (S.length > m) {
        S.shift();
        Y.shift();
      }
    }
    const rel = (f - accepted.f) / Math.max(Math.abs(f), Math.abs(accepted.f), 1);
    x = accepted.x;
    f = accepted.f;
    g = accepted.g;
    if (rel <= ftol) {
      converged = true;
      iterations++;
      break;
    }
  }
  return { x, f, g, iterations, evaluations, converged };
}

type Evaluate = (x: number[]) => { f: number; grad: () => number[] };
type Point = { x: number[]; f: number; g: number[] };

/**
 * Backtracking along the projection path x(t) = P(x + t d) with the Armijo condition, the step
 * cut by the minimiser of the quadratic through f(0), f'(0) and f(t) kept within [0.1 t, 0.5 t]
 * (Nocedal & Wright 2006, §3.5); plain halving where f is not finite. For directions that leave
 * the box at once.
 */
function projectedBacktracking(evaluate: Evaluate, x: number[], f: number, g: number[], d: number[], t0: number, lo: readonly number[], hi: readonly number[]): Point | null {
  let t = t0;
  for (let ls = 0; ls < 40; ls++) {
    const xn = project(x.map((v, i) => v + t * (d[i] as number)), lo, hi);
    const step = xn.map((v, i) => v - (x[i] as number));
    if (step.every((v) => v === 0)) return null;
    const ev = evaluate(xn);
    const slope = dot(g, step); // directional derivative times the step actually taken
    if (ev.f <= f + 1e-4 * slope) {
      const gn = ev.grad();
      if (gn.every(Number.isFinite)) return { x: xn, f: ev.f, g: gn };
    }
    const q = Number.isFinite(ev.f) && slope < 0 ? -slope / (2 * (ev.f - f - slope)) : 0.5;
    t *= Math.min(0.5, Math.max(0.1, q));
  }
  return null;
}

/** The minimiser of the cubic through (a, fa, da) and (b, fb, db), or NaN (Nocedal & Wright 2006, eq. 3.59). */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * ((fa - fb) / (a - b));
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return Number.NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * ((db + d2 - d1) / (db - da + 2 * d2));
}

/**
 * A line search for the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9) on the segment [0, tmax]
 * that stays inside the box: bracketing with extrapolation, then zoom by safeguarded cubic
 * interpolation (Nocedal & Wright 2006, Algorithms 3.5 and 3.6; the role of Moré & Thuente's
 * search in L-BFGS-B). Steps that reach tmax need only the sufficient decrease. The gradient is
 * asked for only at trial points with sufficient decrease and a lower value than the bracket's
 * low end (the others are rejected on their value alone). Null if no
 * acceptable step is found in 12 evaluations (near a minimum where f is flat to rounding).
 */
function wolfeSearch(
  evaluate: Evaluate,
  x: number[],
  f0: number,
  g0: number[],
  d: number[],
  t1: number,
  tmax: number,
  lo: readonly number[],
  hi: readonly number[],
): Point | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const slope0 = dot(g0, d);
  if (!(slope0 < 0)) return null;
  type Trial = { t: number; x: number[]; f: number; g: number[] | null; slope: number };
  const armijo = (p: { t: number; f: number }) => Number.isFinite(p.f) && p.f <= f0 + c1 * p.t * slope0;
  let best: Trial | null = null;
  // the value at step t, and the gradient only where sufficient decrease holds (and `needGradient`)
  const at = (t: number, needGradient: (p: Trial) => boolean): Trial => {
    // clamp for rounding at the boundary
    const xn = t === tmax ? project(x.map((v, i) => v + t * (d[i] as number)), lo, hi) : x.map((v, i) => v + t * (d[i] as number));
    const ev = evaluate(xn);
    const p: Trial = { t, x: xn, f: ev.f, g: null, slope: Number.NaN };
    if (armijo(p) && needGradient(p)) {
      const g = ev.grad();
      if (g.every(Number.isFinite)) {
        p.g = g;
        p.slope = dot(g, d);
        if (!best || p.f < best.f) best = p;
      } else {
        p.f = Infinity;
      }
    }
    return p;
  };
  const result = (p: Trial | null): Point | null => (p && p.g ? { x: p.x, f: p.f, g: p.g } : null);
  let prev: Trial = { t: 0, x, f: f0, g: g0, slope: slope0 };
  let t = t1;
  let evals = 0;
  let lowP: Trial | null = null;
  let highP: Trial | null = null;
  while (evals < 12) {
    const p = at(t, (q) => !(prev.t > 0 && q.f >= prev.f));
    evals++;
    if (!p.g) {
      lowP = prev;
      highP = p;
      break;
    }
    if (Math.abs(p.slope) <= -c2 * slope0) return result(p);
    if (p.slope >= 0) {
      lowP = p;
      highP = prev;
      break;
    }
    if (t >= tmax) return result(p); // at the boundary with sufficient decrease
    prev = p;
    t = Math.min(tmax, 4 * t);
  }
  if (!lowP || !highP) return result(best);
  // zoom: lowP satisfies sufficient decrease with the lowest f so far; the minimiser lies between
  while (evals < 12) {
    const a = lowP.t;
    const b = highP.t;
    const lenLo = Math.min(a, b);
    const lenHi = Math.max(a, b);
    const width = lenHi - lenLo;
    if (width <= 1e-12 * Math.max(1, lenHi)) break;
    let tc = Number.NaN;
    if (Number.isFinite(highP.f)) {
      tc = Number.isFinite(highP.slope)
        ? cubicMin(a, lowP.f, lowP.slope, b, highP.f, highP.slope)
        : a - (lowP.slope * (b - a) * (b - a)) / (2 * (highP.f - lowP.f - lowP.slope * (b - a))); // quadratic through f(a), f'(a), f(b)
    }
    if (!(tc > lenLo + 0.1 * width && tc < lenHi - 0.1 * width)) tc = (a + b) / 2;
    const low = lowP;
    const p = at(tc, (q) => q.f < low.f);
    evals++;
    if (!p.g) {
      highP = p;
    } else {
      if (Math.abs(p.slope) <= -c2 * slope0) return result(p);
      if (p.slope * (b - a) >= 0) highP = lowP;
      lowP = p;
    }
  }
  return result(best);
}
