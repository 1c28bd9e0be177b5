// Multi-start maximisation of an acquisition function over the unit cube: a seeded
// low-discrepancy (Halton) screen plus caller-given candidates, then projected L-BFGS from the
// best few, with the analytic gradient when the objective gives one and central differences
// otherwise (the "raw samples + restarts" scheme of BoTorch's optimize_acqf).

import type { Rng } from "../random/rng.js";
import { minimizeBounded } from "./projected-lbfgs.js";
import { haltonPoints } from "./quasi-random.js";

/** Settings of the acquisition search. */
export interface AcquisitionSearchOptions {
  /** Screened quasi-random points (default 256 + 128 d, at most 2048). */
  readonly raw_samples?: number;
  /** Local searches from the best screened points (default 5). */
  readonly restarts?: number;
  /** Quasi-Newton iterations per local search (default 50). */
  readonly max_iterations?: number;
}

/** An objective on the unit cube: value, and optionally its gradient. */
export type UnitCubeObjective = (u: number[]) => { value: number; grad?: number[] };

/** The objective's values at many points at once (cheaper per point than one by one), for the screen. */
export type UnitCubeBatchValues = (us: number[][]) => number[];

const FD_STEP = 1e-6;

function withGradient(objective: UnitCubeObjective, u: number[]): { value: number; grad: number[] } {
  const r = objective(u);
  if (r.grad) return { value: r.value, grad: r.grad };
  const grad = u.map((v, j) => {
    const hi = Math.min(1, v + FD_STEP);
    const lo = Math.max(0, v - FD_STEP);
    const up = [...u];
    up[j] = hi;
    const dn = [...u];
    dn[j] = lo;
    return (objective(up).value - objective(dn).value) / (hi - lo);
  });
  return { value: r.value, grad };
}

/**
 * Maximises `objective` over [0, 1]^d from a seeded Halton screen and `extra` candidates (valued
 * by `batch` when given), refining the `restarts` best distinct points by projected L-BFGS (Byrd
 * et al. 1995). Deterministic per rng.
 */
export function maximizeOverUnitCube(
  objective: UnitCubeObjective,
  d: number,
  rng: Rng,
  options: AcquisitionSearchOptions = {},
  extra: readonly number[][] = [],
  batch?: UnitCubeBatchValues,
): { u: number[]; value: number } {
  const raw = options.raw_samples ?? Math.min(2048, 256 + 128 * d);
  const restarts = options.restarts ?? 5;
  const candidates = [...haltonPoints(raw, d, rng), ...extra.map((e) => e.map((v) => Math.min(1, Math.max(0, v))))];
  const values = batch ? batch(candidates) : candidates.map((u) => objective(u).value);
  const scored = candidates.map((u, i) => ({ u, value: values[i] as number })).filter((c) => Number.isFinite(c.value));
  scored.sort((a, b) => b.value - a.value);
  let best = scored[0] ?? { u: new Array<number>(d).fill(0.5), value: objective(new Array<number>(d).fill(0.5)).value };
  const starts: number[][] = [];
  for (const c of scored) {
    if (starts.length >= restarts) break;
    if (starts.some((s) => s.every((v, j) => Math.abs(v - (c.u[j] as number)) < 1e-6))) continue;
    starts.push(c.u);
  }
  const lower = new Array<number>(d).fill(0);
  const upper = new Array<number>(d).fill(1);
  for (const s of starts) {
    const res = minimizeBounded(
      (u) => {
        const r = withGradient(objective, u);
        return { f: -r.value, g: r.grad.map((v) => -v) };
      },
      s,
      { lower, upper, maxIterations: options.max_iterations ?? 50, pgtol: 1e-9, ftol: 1e-10 },
    );
    if (Number.isFinite(res.f) && -res.f > best.value) best = { u: res.x, value: -res.f };
  }
  return best;
}
