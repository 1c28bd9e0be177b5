// A final Newton step on a finite-difference quadratic model (central differences for the
// gradient and Hessian; Nocedal & Wright 2006, §8.1) to sharpen a derivative-free optimum:
// a simplex stops where f differences drown in rounding, which leaves the arguments accurate
// only to about the square root of that; one or two Newton steps recover several digits.
// Coordinates at a bound stay fixed; a step is kept only if it lowers f (or, when small,
// does not raise it beyond rounding noise).

import { choleskyInPlace, backwardSolveTransposed, forwardSolve } from "../matrix/dense-cholesky.js";

/** Refines a local minimum x of f within the lower bounds by up to `iterations` Newton steps. */
export function newtonPolish(
  f: (x: Float64Array) => number,
  x0: Float64Array,
  f0: number,
  lower: ArrayLike<number>,
  iterations = 3,
  relStep = 1e-4,
): { x: Float64Array; f: number; evaluations: number } {
  let x = Float64Array.from(x0);
  let fx = f0;
  let evaluations = 0;
  const ev = (y: Float64Array) => {
    evaluations++;
    const v = f(y);
    return Number.isFinite(v) ? v : Infinity;
  };
  for (let it = 0; it < iterations; it++) {
    const h = Float64Array.from(x, (v) => relStep * Math.max(1, Math.abs(v)));
    const free = [...x.keys()].filter((i) => x[i]! - h[i]! > lower[i]!);
    const m = free.length;
    if (m === 0) break;
    const at = (steps: [number, number][]) => {
      const y = Float64Array.from(x);
      for (const [i, s] of steps) y[i] = y[i]! + s * h[i]!;
      return ev(y);
    };
    const g = new Float64Array(m);
    const H = new Float64Array(m * m);
    for (let a = 0; a < m; a++) {
      const i = free[a]!;
      const fp = at([[i, 1]]);
      const fm = at([[i, -1]]);
      g[a] = (fp - fm) / (2 * h[i]!);
      H[a * m + a] = (fp - 2 * fx + fm) / (h[i]! * h[i]!);
      for (let b = 0; b < a; b++) {
        const j = free[b]!;
        const v = (at([[i, 1], [j, 1]]) - at([[i, 1], [j, -1]]) - at([[i, -1], [j, 1]]) + at([[i, -1], [j, -1]])) / (4 * h[i]! * h[j]!);
        H[a * m + b] = v;
        H[b * m + a] = v;
      }
    }
    if (!g.every(Number.isFinite) || !H.every(Number.isFinite)) break;
    if (!choleskyInPlace(H, m)) break;
    const step = Float64Array.from(g, (v) => -v);
    forwardSolve(H, m, step, 1);
    backwardSolveTransposed(H, m, step, 1);
    const y = Float64Array.from(x);
    let size = 0;
    free.forEach((i, a) => {
      y[i] = Math.max(lower[i]!, y[i]! + step[a]!);
      size = Math.max(size, Math.abs(step[a]!) / Math.max(1, Math.abs(x[i]!)));
    });
    const fy = ev(y);
    // Near the optimum f is flat to rounding: a small Newton step is trusted unless f clearly rises.
    const noise = 1e-12 * (Math.abs(fx) + 1);
    if (!(fy <= fx || (size < 1e-3 && fy <= fx + noise))) break;
    x = y;
    fx = fy;
    if (size < 1e-12) break;
  }
  return { x, f: fx, evaluations };
}
