// Seeded nonparametric bootstrap of regression coefficients: the case bootstrap (rows drawn with
// replacement) or the cluster bootstrap (whole clusters drawn with replacement), with bootstrap
// standard errors, percentile and BCa intervals (Efron & Tibshirani 1993, ch. 6, 13, 14).

import { ConvergenceError, InvalidArgumentError } from "../../errors.js";
import type { Rng } from "../../random/rng.js";
import type { DataRows } from "../formula/model-frame.js";
import { bcaInterval, percentileInterval } from "./bootstrap-intervals.js";

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

export interface BootstrapRow {
  readonly term: string;
  readonly estimate: number;
  readonly std_error: number;
  readonly bias: number;
  readonly percentile_lower: number;
  readonly percentile_upper: number;
  readonly bca_lower: number | null;
  readonly bca_upper: number | null;
  readonly bias_correction: number | null;
  readonly acceleration: number | null;
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
  const R = options.replicates ?? 1000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(R) || R < 20) throw new InvalidArgumentError("options.replicates must be an integer >= 20", "options.replicates");
  const units: (readonly Readonly<Record<string, unknown>>[])[] = [];
  if (options.cluster !== undefined) {
    const byKey = new Map<string, Readonly<Record<string, unknown>>[]>();
    for (const r of rows) {
      const v = r[options.cluster];
      if (v === null || v === undefined || v === "") throw new InvalidArgumentError(`a row has no value in the cluster column '${options.cluster}'`, "options.cluster");
      const key = String(v);
      const list = byKey.get(key) ?? [];
      list.push(r);
      byKey.set(key, list);
    }
    units.push(...byKey.values());
  } else {
    for (const r of rows) units.push([r]);
  }
  const G = units.length;
  if (G < 3) throw new InvalidArgumentError("the bootstrap needs at least 3 resampling units", options.cluster ? "options.cluster" : "rows");
  const p = terms.length;
  const theta = Array.from(statistic(rows));
  const reps: number[][] = Array.from({ length: p }, () => []);
  let failed = 0;
  for (let b = 0; b < R; b++) {
    const sample: Readonly<Record<string, unknown>>[] = [];
    for (let g = 0; g < G; g++) sample.push(...units[Math.floor(options.rng() * G)]!);
    let est: ArrayLike<number>;
    try {
      est = statistic(sample);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError || err instanceof ConvergenceError)) throw err;
      est = new Float64Array(p).fill(NaN);
    }
    if (Array.from({ length: p }, (_, j) => est[j]!).some((v) => !Number.isFinite(v))) failed++;
    for (let j = 0; j < p; j++) reps[j]!.push(est[j]!);
    options.onProgress?.((b + 1) / R);
  }
  // Jackknife: leave one resampling unit out.
  const jack: number[][] = Array.from({ length: p }, () => []);
  let jackOk = true;
  for (let g = 0; g < G && jackOk; g++) {
    const sample = units.filter((_, h) => h !== g).flat();
    try {
      const est = statistic(sample);
      for (let j = 0; j < p; j++) jack[j]!.push(est[j]!);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError || err instanceof ConvergenceError)) throw err;
      jackOk = false;
    }
  }
  const out: BootstrapRow[] = terms.map((term, j) => {
    const t = reps[j]!.filter((v) => Number.isFinite(v));
    const m = t.reduce((a, c) => a + c, 0) / t.length;
    const sd = Math.sqrt(t.reduce((a, c) => a + (c - m) ** 2, 0) / (t.length - 1));
    const [pl, pu] = percentileInterval(t, level);
    let bca: ReturnType<typeof bcaInterval> | null = null;
    if (jackOk && jack[j]!.every((v) => Number.isFinite(v))) {
      try {
        bca = bcaInterval(theta[j]!, t, jack[j]!, level);
      } catch (err) {
        if (!(err instanceof InvalidArgumentError)) throw err;
      }
    }
    return {
      term,
      estimate: theta[j]!,
      std_error: sd,
      bias: m - theta[j]!,
      percentile_lower: pl,
      percentile_upper: pu,
      bca_lower: bca?.lower ?? null,
      bca_upper: bca?.upper ?? null,
      bias_correction: bca?.bias_correction ?? null,
      acceleration: bca?.acceleration ?? null,
    };
  });
  return { kind: options.cluster !== undefined ? "cluster" : "case", replicates: R, failed_replicates: failed, resampling_units: G, level, rows: out };
}
