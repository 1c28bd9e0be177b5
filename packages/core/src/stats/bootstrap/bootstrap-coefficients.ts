// Seeded nonparametric bootstrap of any statistic of rows: the case bootstrap (rows drawn with
// replacement) or the cluster bootstrap (whole clusters drawn with replacement), with bootstrap
// standard errors, percentile and BCa intervals (Efron & Tibshirani 1993, ch. 6, 13, 14). The
// statistic is recomputed from the resampled rows, which is general but slow for large data;
// regressions use bootstrap-regression.ts and bootstrap-linear-mixed-model.ts, which build the
// model matrix once and refit under resampling weights.

import { ConvergenceError, InvalidArgumentError } from "../../errors.js";
import type { Rng } from "../../random/rng.js";
import type { DataRows } from "../formula/model-frame.js";
import { drawUnits, resamplingUnits } from "./bootstrap-units.js";
import { summariseReplicates, type BootstrapRow } from "./bootstrap-summary.js";

export type { BootstrapRow } from "./bootstrap-summary.js";

export interface BootstrapOptions {
  readonly rng: Rng;
  /** Number of bootstrap replicates (default 1000). */
  readonly replicates?: number;
  /** Column whose values are the resampling units (cluster bootstrap); rows when absent. */
  readonly cluster?: string;
  readonly level?: number;
  /** Called after each replicate with the share done (0..1). */
  readonly onProgress?: (done: number) => void;
}

export interface BootstrapResult {
  readonly kind: "case" | "cluster";
  readonly replicates: number;
  /** Replicates whose fit failed or was not finite (e.g. a resample without both arms); left out. */
  readonly failed_replicates: number;
  readonly resampling_units: number;
  readonly level: number;
  readonly rows: BootstrapRow[];
}

/** Checks the replicate count and level shared by every bootstrap. */
export function bootstrapSettings(options: Pick<BootstrapOptions, "replicates" | "level">): { R: number; level: number } {
  const R = options.replicates ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(R) || R < 20) throw new InvalidArgumentError("options.replicates must be an integer >= 20", "options.replicates");
  if (!(level > 0 && level < 1)) throw new InvalidArgumentError("level must be in (0, 1)", "options.level");
  return { R, level };
}

/**
 * Bootstraps `statistic` (a fit returning one number per term, NaN allowed for a failed fit)
 * over rows or clusters, with jackknife (leave-one-unit-out) acceleration for BCa
 * (R: boot::boot + boot.ci(type = c("perc", "bca"))).
 */
export function bootstrapCoefficients(
  rows: DataRows,
  terms: readonly string[],
  statistic: (rows: DataRows) => ArrayLike<number>,
  options: BootstrapOptions,
): BootstrapResult {
  const { R, level } = bootstrapSettings(options);
  const units = resamplingUnits(rows, options.cluster);
  const G = units.count;
  if (G < 3) throw new InvalidArgumentError("the bootstrap needs at least 3 resampling units", options.cluster ? "options.cluster" : "rows");
  const unitRows = (g: number) => Array.from(units.members.subarray(units.offsets[g]!, units.offsets[g + 1]!), (i) => rows[i]!);
  const p = terms.length;
  const theta = Array.from(statistic(rows));
  const reps = Array.from({ length: p }, () => new Float64Array(R));
  const draws = new Int32Array(G);
  let failed = 0;
  for (let b = 0; b < R; b++) {
    drawUnits(options.rng, G, draws);
    const sample: Readonly<Record<string, unknown>>[] = [];
    for (let g = 0; g < G; g++) sample.push(...unitRows(draws[g]!));
    let est: ArrayLike<number>;
    try {
      est = statistic(sample);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError || err instanceof ConvergenceError)) throw err;
      est = new Float64Array(p).fill(NaN);
    }
    let ok = true;
    for (let j = 0; j < p; j++) {
      reps[j]![b] = est[j]!;
      if (!Number.isFinite(est[j]!)) ok = false;
    }
    if (!ok) failed++;
    options.onProgress?.((b + 1) / R);
  }
  // Jackknife: leave one resampling unit out.
  const jack = Array.from({ length: p }, () => new Float64Array(G));
  let jackOk = true;
  for (let g = 0; g < G && jackOk; g++) {
    const sample: Readonly<Record<string, unknown>>[] = [];
    for (let h = 0; h < G; h++) if (h !== g) sample.push(...unitRows(h));
    try {
      const est = statistic(sample);
      for (let j = 0; j < p; j++) jack[j]![g] = est[j]!;
    } catch (err) {
      if (!(err instanceof InvalidArgumentError || err instanceof ConvergenceError)) throw err;
      jackOk = false;
    }
  }
  const out = terms.map((term, j) => summariseReplicates(term, theta[j]!, reps[j]!, jackOk ? jack[j]! : null, level));
  return { kind: options.cluster !== undefined ? "cluster" : "case", replicates: R, failed_replicates: failed, resampling_units: G, level, rows: out };
}
