// From bootstrap replicates to the reported table: bootstrap standard error and bias, percentile
// and BCa intervals (Efron & Tibshirani 1993, ch. 6, 13, 14), per parameter. Replicates that are
// not finite (a failed or rank-deficient refit) are left out of that parameter's summaries.

import { InvalidArgumentError } from "../../errors.js";
import { bcaInterval, percentileInterval } from "./bootstrap-intervals.js";

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

/**
 * Summarises the replicates of one parameter (R: boot::boot's t column with
 * boot.ci(type = c("perc", "bca"))); `jackknife` holds its leave-one-unit-out estimates, or null
 * when they are unavailable (no BCa then).
 */
export function summariseReplicates(term: string, estimate: number, replicates: ArrayLike<number>, jackknife: ArrayLike<number> | null, level: number): BootstrapRow {
  const t: number[] = [];
  for (let b = 0; b < replicates.length; b++) if (Number.isFinite(replicates[b]!)) t.push(replicates[b]!);
  const m = t.reduce((a, c) => a + c, 0) / t.length;
  const sd = Math.sqrt(t.reduce((a, c) => a + (c - m) ** 2, 0) / (t.length - 1));
  const [pl, pu] = percentileInterval(t, level);
  let bca: ReturnType<typeof bcaInterval> | null = null;
  const jack = jackknife === null ? null : Array.from(jackknife);
  if (jack !== null && Number.isFinite(estimate) && jack.every((v) => Number.isFinite(v))) {
    try {
      bca = bcaInterval(estimate, t, jack, level);
    } catch (err) {
      if (!(err instanceof InvalidArgumentError)) throw err;
    }
  }
  return {
    term,
    estimate,
    std_error: sd,
    bias: m - estimate,
    percentile_lower: pl,
    percentile_upper: pu,
    bca_lower: bca?.lower ?? null,
    bca_upper: bca?.upper ?? null,
    bias_correction: bca?.bias_correction ?? null,
    acceleration: bca?.acceleration ?? null,
  };
}
